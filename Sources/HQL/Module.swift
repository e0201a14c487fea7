// HQL
