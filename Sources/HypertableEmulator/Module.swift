// HypertableEmulator
