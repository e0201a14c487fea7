print("hypertable-gateway")
