/// Gateway tests use the HTTP test clients and the fake broker too; importing this kit brings them.
@_exported import BrokerTestKit
@_exported import HTTPTestKit
