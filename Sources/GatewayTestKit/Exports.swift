/// Gateway tests use the HTTP test clients too; importing this kit brings them.
@_exported import HTTPTestKit
