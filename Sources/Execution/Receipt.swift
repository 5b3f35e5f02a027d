import EVM
import EVMPrimitives
import Transactions

/// A 2048-bit logs bloom.
public struct Bloom: Equatable, Sendable {
  public var bytes: [UInt8]

  public init() { bytes = [UInt8](repeating: 0, count: 256) }

  public init?(hex: String) {
    guard let bytes = Hex.decode(hex), bytes.count == 256 else { return nil }
    self.bytes = bytes
  }

  /// Adds the three bits of keccak256(`data`).
  public mutating func add<C: Collection>(_ data: C) where C.Element == UInt8 {
    add(hash: Keccak256.hash(data))
  }

  /// Adds the three bits taken from the first six bytes of `hash`.
  @inline(__always)
  mutating func add(hash: Bytes32) {
    setBit(Int(truncatingIfNeeded: hash.b0 >> 48) & 2047)
    setBit(Int(truncatingIfNeeded: hash.b0 >> 32) & 2047)
    setBit(Int(truncatingIfNeeded: hash.b0 >> 16) & 2047)
  }

  @inline(__always)
  mutating func setBit(_ bit: Int) {
    bytes[255 - bit / 8] |= UInt8(1) << UInt8(bit % 8)
  }

  public mutating func add(_ log: Log) {
    add(hash: Keccak256.hash(address: log.address))
    for topic in log.topics { add(hash: Keccak256.hash(topic)) }
  }

  public mutating func formUnion(_ other: Bloom) {
    for i in 0..<256 { bytes[i] |= other.bytes[i] }
  }

  public var hex: String { Hex.encode(bytes) }
}

/// A transaction receipt.
public struct Receipt: Sendable {
  public var type: TransactionType
  /// Byzantium on: success. Before: `postState` holds the intermediate root.
  public var succeeded: Bool
  public var postState: Bytes32?
  public var cumulativeGasUsed: UInt64
  public var logs: [Log]
  public var bloom: Bloom

  public init(
    type: TransactionType, succeeded: Bool, postState: Bytes32?, cumulativeGasUsed: UInt64,
    logs: [Log]
  ) {
    self.type = type
    self.succeeded = succeeded
    self.postState = postState
    self.cumulativeGasUsed = cumulativeGasUsed
    self.logs = logs
    var bloom = Bloom()
    for log in logs { bloom.add(log) }
    self.bloom = bloom
  }

  /// The EIP-2718 encoding: `type ‖ rlp(...)` for typed receipts.
  public var encoded: [UInt8] {
    var encoder = RLPEncoder()
    encoder.appendList { list in
      if let postState {
        list.append(postState)
      } else {
        list.append(succeeded ? UInt64(1) : UInt64(0))
      }
      list.append(cumulativeGasUsed)
      list.append(bytes: bloom.bytes)
      list.appendList { logList in
        for log in logs { Receipt.appendLog(log, to: &logList) }
      }
    }
    return type == .legacy ? encoder.bytes : [type.rawValue] + encoder.bytes
  }

  /// RLP([address, [topics], data]).
  public static func appendLog(_ log: Log, to encoder: inout RLPEncoder) {
    encoder.appendList { entry in
      entry.append(log.address)
      entry.appendList { topics in
        for topic in log.topics { topics.append(topic) }
      }
      entry.append(bytes: log.data)
    }
  }

  /// keccak256(rlp(logs)): the state tests' logs hash.
  public static func logsHash(_ logs: [Log]) -> Bytes32 {
    var encoder = RLPEncoder()
    encoder.appendList { list in
      for log in logs { appendLog(log, to: &list) }
    }
    return Keccak256.hash(encoder.bytes)
  }
}
