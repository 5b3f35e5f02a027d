import EVM
import EVMPrimitives
import Execution
import Foundation
import WorldState

/// One filled Ethereum blockchain test (a top-level key of a `BlockchainTests`
/// JSON file): a pre-state and genesis block, a sequence of RLP-encoded
/// blocks — some of which must be rejected — and the expected head and
/// post-state.
public struct BlockchainTest: Sendable {
  /// The test's key in the file.
  public var name: String
  /// `network`: a fork name or a transition (`ShanghaiToCancunAtTime15k`).
  public var network: String
  /// The accounts of the genesis state.
  public var pre: [Address: StateTestAccount]
  /// `genesisRLP`: the encoded genesis block.
  public var genesisRLP: [UInt8]
  /// `genesisBlockHeader.hash`, when given.
  public var genesisHash: Bytes32?
  /// The blocks, in import order.
  public var blocks: [BlockchainTestBlock]
  /// `postState`: every account after the head, when given.
  public var postState: [Address: StateTestAccount]?
  /// `postStateHash`: the head's state root, when `postState` is not given.
  public var postStateHash: Bytes32?
  /// `lastblockhash`: the hash of the canonical head.
  public var lastBlockHash: Bytes32

  /// Creates a test from its parts.
  public init(
    name: String, network: String, pre: [Address: StateTestAccount], genesisRLP: [UInt8],
    genesisHash: Bytes32? = nil, blocks: [BlockchainTestBlock],
    postState: [Address: StateTestAccount]? = nil, postStateHash: Bytes32? = nil,
    lastBlockHash: Bytes32
  ) {
    self.name = name
    self.network = network
    self.pre = pre
    self.genesisRLP = genesisRLP
    self.genesisHash = genesisHash
    self.blocks = blocks
    self.postState = postState
    self.postStateHash = postStateHash
    self.lastBlockHash = lastBlockHash
  }

  /// `accounts` as an in-memory world state.
  public static func state(_ accounts: [Address: StateTestAccount]) -> InMemoryState {
    var stored: FlatDictionary<Address, StoredAccount> = [:]
    stored.reserveCapacity(accounts.count)
    for (address, account) in accounts {
      let code = account.code.isEmpty ? Bytecode.empty : Bytecode(account.code)
      stored[address] = StoredAccount(
        info: AccountInfo(balance: account.balance, nonce: account.nonce, codeHash: code.hash),
        code: code, storage: account.storage)
    }
    return InMemoryState(accounts: stored)
  }
}

/// One entry of a blockchain test's `blocks`.
public struct BlockchainTestBlock: Sendable, Equatable {
  /// `rlp`, or `nil` when the field is not valid hex (the block must then be rejected).
  public var rlp: [UInt8]?
  /// `expectException`: the block must be rejected.
  public var expectException: String?

  /// Creates a block entry.
  public init(rlp: [UInt8]?, expectException: String? = nil) {
    self.rlp = rlp
    self.expectException = expectException
  }
}

/// The fork rules of a blockchain test's `network`: one fork, or a transition
/// from one fork to the next at a block number or a timestamp.
public struct ForkSchedule: Sendable, Equatable {
  /// The fork before the transition (the only fork when `transition` is nil).
  public var first: Fork
  /// The fork after the transition and where it activates.
  public var transition: (fork: Fork, at: UInt64, byTimestamp: Bool)?

  /// A single-fork schedule.
  public init(_ fork: Fork) {
    first = fork
    transition = nil
  }

  /// Parses a network name: a fork name (`Cancun`) or a transition
  /// (`ShanghaiToCancunAtTime15k`, `BerlinToLondonAt5`; `k` multiplies by 1000).
  public init?(network: String) {
    if let fork = Fork(name: network) {
      self.init(fork)
      return
    }
    guard let match = network.wholeMatch(of: /([A-Za-z0-9]+)To([A-Za-z0-9]+)At(Time)?(\d+)(k?)/),
      let from = Fork(name: String(match.1)), let to = Fork(name: String(match.2)),
      var point = UInt64(match.4)
    else { return nil }
    if !match.5.isEmpty { point *= 1000 }
    self.init(from, then: to, at: point, byTimestamp: match.3 != nil)
  }

  /// A transition from `first` to `next` at block `point` (a timestamp when `byTimestamp`).
  public init(_ first: Fork, then next: Fork, at point: UInt64, byTimestamp: Bool) {
    self.first = first
    transition = (next, point, byTimestamp)
  }

  /// The fork of a block with `number` and `timestamp`.
  public func fork(number: UInt64, timestamp: UInt64) -> Fork {
    guard let transition else { return first }
    let position = transition.byTimestamp ? timestamp : number
    return position >= transition.at ? transition.fork : first
  }

  /// Same forks, same transition point.
  public static func == (a: ForkSchedule, b: ForkSchedule) -> Bool {
    a.first == b.first && a.transition?.fork == b.transition?.fork
      && a.transition?.at == b.transition?.at
      && a.transition?.byTimestamp == b.transition?.byTimestamp
  }
}

/// The tests of one blockchain-test file.
public struct BlockchainTestFile: Sendable {
  /// The file's id in reports: its path relative to the suite root.
  public var path: String
  /// The tests, sorted by name.
  public var tests: [BlockchainTest]

  /// Reads and parses `url`; `path` names the file in errors and reports.
  public static func load(_ url: URL, path: String) throws(StateTestError) -> BlockchainTestFile {
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw StateTestError(
        file: path, field: "", message: "cannot read: \(error.localizedDescription)")
    }
    return try parse(data, path: path)
  }

  /// Parses the JSON text of a blockchain-test file.
  public static func parse(_ data: Data, path: String) throws(StateTestError) -> BlockchainTestFile
  {
    let object: Any
    do {
      object = try JSONSerialization.jsonObject(with: data)
    } catch {
      throw StateTestError(
        file: path, field: "", message: "invalid JSON: \(error.localizedDescription)")
    }
    let reader = JSONFieldReader(file: path)
    let root = try reader.object(object, at: "")
    var tests: [BlockchainTest] = []
    tests.reserveCapacity(root.count)
    for name in root.keys.sorted() {
      tests.append(try reader.blockchainTest(root[name]!, name: name))
    }
    return BlockchainTestFile(path: path, tests: tests)
  }
}

extension JSONFieldReader {
  func accounts(_ value: Any?, at field: String) throws(StateTestError) -> [Address:
    StateTestAccount]
  {
    var accounts: [Address: StateTestAccount] = [:]
    for (key, account) in try object(value, at: field) {
      accounts[try address(key, at: "\(field).\(key)")] = try self.account(
        account, at: "\(field).\(key)")
    }
    return accounts
  }

  func blockchainTest(_ value: Any, name: String) throws(StateTestError) -> BlockchainTest {
    let test = try object(value, at: name)
    var blocks: [BlockchainTestBlock] = []
    for (index, item) in try array(test["blocks"], at: "\(name).blocks").enumerated() {
      let field = "\(name).blocks[\(index)]"
      let block = try object(item, at: field)
      blocks.append(
        BlockchainTestBlock(
          rlp: (block["rlp"] as? String).flatMap { Hex.decode($0) },
          expectException: block["expectException"] as? String))
    }
    var genesisHash: Bytes32?
    if let header = test["genesisBlockHeader"] as? [String: Any], header["hash"] != nil {
      genesisHash = try bytes32(header["hash"], at: "\(name).genesisBlockHeader.hash")
    }
    return BlockchainTest(
      name: name, network: try string(test["network"], at: "\(name).network"),
      pre: try accounts(test["pre"], at: "\(name).pre"),
      genesisRLP: try bytes(test["genesisRLP"], at: "\(name).genesisRLP"), genesisHash: genesisHash,
      blocks: blocks,
      postState: test["postState"] == nil
        ? nil : try accounts(test["postState"], at: "\(name).postState"),
      postStateHash: test["postStateHash"] == nil
        ? nil : try bytes32(test["postStateHash"], at: "\(name).postStateHash"),
      lastBlockHash: try bytes32(test["lastblockhash"], at: "\(name).lastblockhash"))
  }
}
