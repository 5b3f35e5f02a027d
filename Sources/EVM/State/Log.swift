import EVMPrimitives

/// A log entry emitted by LOG0–LOG4.
public struct Log: Equatable, Sendable {
  public var address: Address
  public var topics: [Bytes32]
  public var data: [UInt8]

  public init(address: Address, topics: [Bytes32], data: [UInt8]) {
    self.address = address
    self.topics = topics
    self.data = data
  }
}
