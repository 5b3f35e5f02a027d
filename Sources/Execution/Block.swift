import EVM
import EVMPrimitives
import Transactions

/// An EIP-4895 withdrawal: `amount` is in Gwei.
public struct Withdrawal: Sendable, Equatable {
  public var index: UInt64
  public var validatorIndex: UInt64
  public var address: Address
  public var amount: UInt64

  public init(index: UInt64, validatorIndex: UInt64, address: Address, amount: UInt64) {
    self.index = index
    self.validatorIndex = validatorIndex
    self.address = address
    self.amount = amount
  }

  /// RLP([index, validatorIndex, address, amount]) for the withdrawals root.
  public var encoded: [UInt8] {
    var encoder = RLPEncoder()
    encoder.appendList { list in
      list.append(index)
      list.append(validatorIndex)
      list.append(address)
      list.append(amount)
    }
    return encoder.bytes
  }
}

/// An uncle (ommer) header's fields that block rewards need.
public struct Ommer: Sendable, Equatable {
  public var number: UInt64
  public var coinbase: Address

  public init(number: UInt64, coinbase: Address) {
    self.number = number
    self.coinbase = coinbase
  }
}

/// A transaction with its sender, ready to execute.
public struct BlockTransaction: Sendable {
  public var transaction: Transaction
  public var sender: Address

  public init(transaction: Transaction, sender: Address) {
    self.transaction = transaction
    self.sender = sender
  }
}

/// Everything needed to execute one block.
public struct Block: Sendable {
  public var environment: BlockEnvironment
  public var parentHash: Bytes32
  /// EIP-4788 (Cancun).
  public var parentBeaconBlockRoot: Bytes32?
  public var transactions: [BlockTransaction]
  public var ommers: [Ommer]
  /// `nil` before Shanghai.
  public var withdrawals: [Withdrawal]?

  public init(
    environment: BlockEnvironment, parentHash: Bytes32 = .zero,
    parentBeaconBlockRoot: Bytes32? = nil,
    transactions: [BlockTransaction], ommers: [Ommer] = [], withdrawals: [Withdrawal]? = nil
  ) {
    self.environment = environment
    self.parentHash = parentHash
    self.parentBeaconBlockRoot = parentBeaconBlockRoot
    self.transactions = transactions
    self.ommers = ommers
    self.withdrawals = withdrawals
  }
}

/// The mainnet fork schedule: block numbers up to the Merge, timestamps after.
public enum MainnetSchedule {
  static let byNumber: [(UInt64, Fork)] = [
    (15_537_394, .paris), (12_965_000, .london), (12_244_000, .berlin), (9_069_000, .istanbul),
    (7_280_000, .petersburg), (4_370_000, .byzantium), (2_675_000, .spuriousDragon),
    (2_463_000, .tangerineWhistle), (1_920_000, .dao), (1_150_000, .homestead), (0, .frontier),
  ]
  static let byTimestamp: [(UInt64, Fork)] = [
    (1_764_798_551, .osaka), (1_746_612_311, .prague), (1_710_338_135, .cancun),
    (1_681_338_455, .shanghai),
  ]

  /// The fork of mainnet block `number` with `timestamp`.
  public static func fork(number: UInt64, timestamp: UInt64) -> Fork {
    if number >= 15_537_394 {
      for (start, fork) in byTimestamp where timestamp >= start { return fork }
    }
    for (start, fork) in byNumber where number >= start { return fork }
    return .frontier
  }

  /// The DAO fork block (irregular state change).
  public static let daoForkBlock: UInt64 = 1_920_000
}
