import EVM
import EVMPrimitives
import Transactions

/// Why a block's RLP could not be decoded.
public enum BlockDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
  /// Malformed RLP in the named part of the block.
  case rlp(String, RLPError)
  /// A header field is malformed (wrong width, overflow, non-canonical).
  case field(String, RLPError)
  /// A transaction of the body does not decode.
  case transaction(index: Int, String)
  /// The block or header has the wrong number of items.
  case shape(String)

  /// The reason, for reports.
  public var description: String {
    switch self {
    case .rlp(let part, let error): return "\(part): \(error)"
    case .field(let name, let error): return "header field \(name): \(error)"
    case .transaction(let index, let why): return "transaction \(index): \(why)"
    case .shape(let why): return why
    }
  }

  /// Runs `read`, naming `part` in the error.
  static func wrap<T>(_ part: String, _ read: () throws(RLPError) -> T) throws(BlockDecodingError)
    -> T
  {
    do {
      return try read()
    } catch {
      throw .rlp(part, error)
    }
  }
}

/// A block as it travels on the wire: `rlp([header, transactions, ommers])`,
/// plus `withdrawals` from Shanghai. Transactions are decoded but their
/// senders are not recovered yet.
public struct DecodedBlock: Sendable {
  /// The header.
  public var header: BlockHeader
  /// The block hash, keccak256 of the header's encoding.
  public var hash: Bytes32
  /// The body's transactions, in order.
  public var transactions: [Transaction]
  /// The root of the transactions trie, over each transaction's canonical encoding.
  public var transactionsRoot: Bytes32
  /// The ommer (uncle) headers.
  public var ommers: [BlockHeader]
  /// keccak256 of the RLP list of the ommer headers, as the body holds it.
  public var ommersHash: Bytes32
  /// The withdrawals (a fourth list, from Shanghai), `nil` when absent.
  public var withdrawals: [Withdrawal]?

  /// Decodes a complete block. Every item must be canonical RLP and nothing
  /// may follow the block.
  public init(rlp bytes: [UInt8]) throws(BlockDecodingError) {
    var outer = RLPReader(bytes)
    var block = try BlockDecodingError.wrap("block") { () throws(RLPError) in try outer.readList() }
    guard outer.isAtEnd else { throw .shape("trailing bytes after the block") }

    let rawHeader = try BlockDecodingError.wrap("header") { () throws(RLPError) in
      var copy = block
      return try copy.readRawItem()
    }
    header = try BlockHeader(reading: &block)
    hash = Keccak256.hash(rawHeader)

    var transactionList = try BlockDecodingError.wrap("transactions") { () throws(RLPError) in
      try block.readList()
    }
    var transactions: [Transaction] = []
    var encodings: [[UInt8]] = []
    while !transactionList.isAtEnd {
      do {
        let transaction = try Transaction.decode(blockBodyItem: &transactionList)
        transactions.append(transaction)
        encodings.append(transaction.encoded())
      } catch {
        throw .transaction(index: transactions.count, error.description)
      }
    }
    self.transactions = transactions
    transactionsRoot = MerklePatriciaTrie.orderedRoot(encodings)

    let rawOmmers = try BlockDecodingError.wrap("ommers") { () throws(RLPError) in
      var copy = block
      return try copy.readRawItem()
    }
    var ommerList = try BlockDecodingError.wrap("ommers") { () throws(RLPError) in
      try block.readList()
    }
    ommersHash = Keccak256.hash(rawOmmers)
    var ommers: [BlockHeader] = []
    while !ommerList.isAtEnd { ommers.append(try BlockHeader(reading: &ommerList)) }
    self.ommers = ommers

    if !block.isAtEnd {
      var list = try BlockDecodingError.wrap("withdrawals") { () throws(RLPError) in
        try block.readList()
      }
      var withdrawals: [Withdrawal] = []
      while !list.isAtEnd {
        let withdrawal = try BlockDecodingError.wrap("withdrawals[\(withdrawals.count)]") {
          () throws(RLPError) in
          var fields = try list.readList()
          let value = Withdrawal(
            index: try fields.readUInt64(), validatorIndex: try fields.readUInt64(),
            address: try fields.readAddress(), amount: try fields.readUInt64())
          try fields.finish()
          return value
        }
        withdrawals.append(withdrawal)
      }
      self.withdrawals = withdrawals
    }
    guard block.isAtEnd else { throw .shape("block has more than four items") }
  }
}
