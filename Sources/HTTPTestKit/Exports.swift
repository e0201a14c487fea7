/// HTTP tests wait on conditions too; importing this kit brings `eventually` and friends.
@_exported import TestSupport
