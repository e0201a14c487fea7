// Thrift
