// GatewayTestKit
