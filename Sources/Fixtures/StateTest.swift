import EVM
import EVMPrimitives
import Execution
import Foundation
import WorldState

/// One filled Ethereum state test (a top-level key of a `GeneralStateTests`
/// JSON file): a pre-state, a block environment, one transaction template and,
/// per fork, the expected results of each (data, gas, value) combination.
public struct StateTest: Sendable {
  /// The test's key in the file.
  public var name: String
  /// The block the transaction runs in.
  public var env: StateTestEnvironment
  /// The accounts before the transaction.
  public var pre: [Address: StateTestAccount]
  /// The transaction template, for reference: each expectation carries the
  /// signed transaction it was filled with (`txbytes`), which is what runs.
  public var transaction: StateTestTransaction
  /// Every expectation, ordered by fork (chronologically), then as listed.
  public var post: [StateTestExpectation]

  /// Creates a test from its parts.
  public init(
    name: String, env: StateTestEnvironment, pre: [Address: StateTestAccount],
    transaction: StateTestTransaction, post: [StateTestExpectation]
  ) {
    self.name = name
    self.env = env
    self.pre = pre
    self.transaction = transaction
    self.post = post
  }

  /// The pre-state as an in-memory world state, with the block hashes the
  /// environment makes visible to BLOCKHASH.
  public func preState() -> InMemoryState {
    var accounts: FlatDictionary<Address, StoredAccount> = [:]
    accounts.reserveCapacity(pre.count)
    for (address, account) in pre {
      let code = account.code.isEmpty ? Bytecode.empty : Bytecode(account.code)
      accounts[address] = StoredAccount(
        info: AccountInfo(balance: account.balance, nonce: account.nonce, codeHash: code.hash),
        code: code, storage: account.storage)
    }
    return InMemoryState(accounts: accounts, blockHashes: env.blockHashes)
  }
}

/// The `env` object of a state test.
public struct StateTestEnvironment: Sendable, Equatable {
  /// `currentCoinbase`.
  public var coinbase: Address
  /// `currentGasLimit` (saturated at 2^64 − 1).
  public var gasLimit: UInt64
  /// `currentNumber`.
  public var number: UInt64
  /// `currentTimestamp`.
  public var timestamp: UInt64
  /// `currentDifficulty` (DIFFICULTY before the Merge); zero when absent.
  public var difficulty: UInt256
  /// `currentRandom` left-padded to 32 bytes (PREVRANDAO from the Merge on).
  public var random: Bytes32?
  /// `currentBaseFee` (from London).
  public var baseFee: UInt256?
  /// `currentExcessBlobGas` (from Cancun).
  public var excessBlobGas: UInt64?
  /// `previousHash`: the hash of block 0 as BLOCKHASH sees it.
  public var previousHash: Bytes32?

  /// Creates an environment from its fields.
  public init(
    coinbase: Address, gasLimit: UInt64, number: UInt64, timestamp: UInt64,
    difficulty: UInt256 = .zero, random: Bytes32? = nil, baseFee: UInt256? = nil,
    excessBlobGas: UInt64? = nil, previousHash: Bytes32? = nil
  ) {
    self.coinbase = coinbase
    self.gasLimit = gasLimit
    self.number = number
    self.timestamp = timestamp
    self.difficulty = difficulty
    self.random = random
    self.baseFee = baseFee
    self.excessBlobGas = excessBlobGas
    self.previousHash = previousHash
  }

  /// The block hashes the reference harness exposes: it maps block 0 to
  /// `previousHash` and keeps only the 256 blocks before `number`, so the map
  /// is `[0: previousHash]` when 1 ≤ number ≤ 256 and empty otherwise.
  public var blockHashes: [UInt64: Bytes32] {
    guard let previousHash, number >= 1, number <= 256 else { return [:] }
    return [0: previousHash]
  }

  /// The block environment of `fork` as the execution specification's
  /// state-test harness builds it: chain id 1, PREVRANDAO from `currentRandom`
  /// (from the Merge), DIFFICULTY from `currentDifficulty` (before it), the base
  /// fee from London, and from Cancun the blob base fee computed from the excess
  /// blob gas (zero when absent) with the fork's update fraction.
  public func blockEnvironment(fork: Fork) -> BlockEnvironment {
    let excess = fork >= .cancun ? (excessBlobGas ?? 0) : 0
    return BlockEnvironment(
      fork: fork, chainId: 1, coinbase: coinbase, number: number, timestamp: timestamp,
      gasLimit: gasLimit, difficulty: fork >= .paris ? .zero : difficulty,
      prevRandao: fork >= .paris ? (random ?? .zero) : .zero,
      baseFee: fork >= .london ? (baseFee ?? .zero) : .zero, excessBlobGas: excess,
      blobBaseFee: BlobGas.price(excessBlobGas: excess, fork: fork))
  }
}

/// One account of a state test's `pre`.
public struct StateTestAccount: Sendable, Equatable {
  /// `balance`.
  public var balance: UInt256
  /// `nonce`.
  public var nonce: UInt64
  /// `code`.
  public var code: [UInt8]
  /// `storage`, non-zero slots only.
  public var storage: FlatDictionary<UInt256, UInt256>

  /// Creates an account.
  public init(
    balance: UInt256 = .zero, nonce: UInt64 = 0, code: [UInt8] = [],
    storage: FlatDictionary<UInt256, UInt256> = [:]
  ) {
    self.balance = balance
    self.nonce = nonce
    self.code = code
    self.storage = storage
  }
}

/// The `transaction` template of a state test, kept for reference (reports,
/// debugging); the runner executes each expectation's `txbytes`.
public struct StateTestTransaction: Sendable, Equatable {
  /// `sender`, when given.
  public var sender: Address?
  /// `to`; `nil` for a contract creation (`""`).
  public var to: Address?
  /// `nonce`; `nil` when written in a notation the parser does not read.
  public var nonce: UInt256?
  /// The `data` variants, indexed by an expectation's `indexes.data` (`nil`
  /// for a variant the parser does not read).
  public var data: [[UInt8]?]
  /// The `gasLimit` variants, indexed by `indexes.gas`.
  public var gasLimit: [UInt256?]
  /// The `value` variants, indexed by `indexes.value` (`0x:bigint …` values are `nil`).
  public var value: [UInt256?]

  /// Creates a template.
  public init(
    sender: Address? = nil, to: Address? = nil, nonce: UInt256? = .zero, data: [[UInt8]?] = [[]],
    gasLimit: [UInt256?] = [], value: [UInt256?] = []
  ) {
    self.sender = sender
    self.to = to
    self.nonce = nonce
    self.data = data
    self.gasLimit = gasLimit
    self.value = value
  }
}

/// Which variant of the transaction template an expectation is about.
public struct StateTestIndexes: Hashable, Sendable, CustomStringConvertible {
  /// Index into `transaction.data`.
  public var data: Int
  /// Index into `transaction.gasLimit`.
  public var gas: Int
  /// Index into `transaction.value`.
  public var value: Int

  /// Creates indexes.
  public init(data: Int, gas: Int, value: Int) {
    self.data = data
    self.gas = gas
    self.value = value
  }

  /// `d0g0v0`, as the test tools name a case.
  public var description: String { "d\(data)g\(gas)v\(value)" }
}

/// One entry of a state test's `post[fork]` list.
public struct StateTestExpectation: Sendable, Equatable {
  /// The fork key as written in the file (`"ConstantinopleFix"`, `"Merge"`, …).
  public var forkName: String
  /// The fork, or `nil` when the name is not one this implementation knows.
  public var fork: Fork?
  /// The position in the fork's list.
  public var index: Int
  /// The (data, gas, value) variant.
  public var indexes: StateTestIndexes
  /// `hash`: the expected state root.
  public var stateRoot: Bytes32
  /// `logs`: Keccak-256 of the RLP list of the logs.
  public var logsHash: Bytes32
  /// `txbytes`: the signed transaction (empty when a rejected case has none).
  public var txBytes: [UInt8]
  /// `expectException`: the transaction must be rejected.
  public var expectException: String?
  /// `_gasUsed` (informative, in the Prague/Osaka re-fills).
  public var gasUsed: UInt64?

  /// Creates an expectation.
  public init(
    forkName: String, index: Int, indexes: StateTestIndexes, stateRoot: Bytes32,
    logsHash: Bytes32, txBytes: [UInt8], expectException: String? = nil, gasUsed: UInt64? = nil
  ) {
    self.forkName = forkName
    self.fork = Fork(name: forkName)
    self.index = index
    self.indexes = indexes
    self.stateRoot = stateRoot
    self.logsHash = logsHash
    self.txBytes = txBytes
    self.expectException = expectException
    self.gasUsed = gasUsed
  }
}

/// A state-test file that cannot be read: names the file, the field and the problem.
public struct StateTestError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file (as given to the parser).
  public var file: String
  /// The JSON path of the offending field (`test.pre.0x….balance`), empty for the whole file.
  public var field: String
  /// What is wrong.
  public var message: String

  /// Creates an error.
  public init(file: String, field: String, message: String) {
    self.file = file
    self.field = field
    self.message = message
  }

  /// `file: field: message`.
  public var description: String {
    field.isEmpty ? "\(file): \(message)" : "\(file): \(field): \(message)"
  }
}

/// The tests of one state-test file.
public struct StateTestFile: Sendable {
  /// The file's id in reports: its path relative to the suite root.
  public var path: String
  /// The tests, sorted by name.
  public var tests: [StateTest]

  /// Creates a file from its tests.
  public init(path: String, tests: [StateTest]) {
    self.path = path
    self.tests = tests
  }

  /// Reads and parses `url`; `path` names the file in errors and reports.
  public static func load(_ url: URL, path: String) throws(StateTestError) -> StateTestFile {
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw StateTestError(
        file: path, field: "", message: "cannot read: \(error.localizedDescription)")
    }
    return try parse(data, path: path)
  }

  /// Parses the JSON text of a state-test file.
  public static func parse(_ data: Data, path: String) throws(StateTestError) -> StateTestFile {
    let object: Any
    do {
      object = try JSONSerialization.jsonObject(with: data)
    } catch {
      throw StateTestError(
        file: path, field: "", message: "invalid JSON: \(error.localizedDescription)")
    }
    let reader = JSONFieldReader(file: path)
    let root = try reader.object(object, at: "")
    var tests: [StateTest] = []
    tests.reserveCapacity(root.count)
    for name in root.keys.sorted() {
      tests.append(try reader.stateTest(root[name]!, name: name))
    }
    return StateTestFile(path: path, tests: tests)
  }
}

// MARK: - JSON reading

/// Typed access to `JSONSerialization` output that reports the path of a
/// missing or malformed field.
struct JSONFieldReader {
  let file: String

  func fail(_ field: String, _ message: String) -> StateTestError {
    StateTestError(file: file, field: field, message: message)
  }

  func object(_ value: Any?, at field: String) throws(StateTestError) -> [String: Any] {
    guard let value else { throw fail(field, "missing") }
    guard let object = value as? [String: Any] else { throw fail(field, "expected an object") }
    return object
  }

  func array(_ value: Any?, at field: String) throws(StateTestError) -> [Any] {
    guard let value else { throw fail(field, "missing") }
    guard let array = value as? [Any] else { throw fail(field, "expected an array") }
    return array
  }

  func string(_ value: Any?, at field: String) throws(StateTestError) -> String {
    guard let value else { throw fail(field, "missing") }
    guard let string = value as? String else { throw fail(field, "expected a string") }
    return string
  }

  func word(_ value: Any?, at field: String) throws(StateTestError) -> UInt256 {
    let text = try string(value, at: field)
    guard let word = UInt256(hexOrDecimal: text) else {
      throw fail(field, "not a 256-bit number: \(text.prefix(80))")
    }
    return word
  }

  func uint64(_ value: Any?, at field: String, saturating: Bool = false) throws(StateTestError)
    -> UInt64
  {
    let number = try word(value, at: field)
    if number.fitsInUInt64 { return number.w0 }
    if saturating { return .max }
    throw fail(field, "does not fit in 64 bits")
  }

  func bytes(_ value: Any?, at field: String) throws(StateTestError) -> [UInt8] {
    let text = try string(value, at: field)
    guard let bytes = Hex.decode(text) else { throw fail(field, "not hex: \(text.prefix(80))") }
    return bytes
  }

  func address(_ value: Any?, at field: String) throws(StateTestError) -> Address {
    let text = try string(value, at: field)
    guard let address = Address(hex: text) else {
      throw fail(field, "not a 20-byte address: \(text)")
    }
    return address
  }

  func bytes32(_ value: Any?, at field: String, leftPad: Bool = false) throws(StateTestError)
    -> Bytes32
  {
    let raw = try bytes(value, at: field)
    if raw.count == 32 { return Bytes32(bytes: raw) }
    guard leftPad, raw.count < 32 else {
      throw fail(field, "expected 32 bytes, found \(raw.count)")
    }
    return Bytes32(bytes: [UInt8](repeating: 0, count: 32 - raw.count) + raw)
  }

  func integer(_ value: Any?, at field: String) throws(StateTestError) -> Int {
    guard let value else { throw fail(field, "missing") }
    if let number = value as? Int, number >= 0 { return number }
    if let number = value as? NSNumber, number.intValue >= 0 { return number.intValue }
    throw fail(field, "expected a non-negative integer")
  }

  func stateTest(_ value: Any, name: String) throws(StateTestError) -> StateTest {
    let test = try object(value, at: name)
    let env = try environment(test["env"], at: "\(name).env")
    let preObject = try object(test["pre"], at: "\(name).pre")
    var pre: [Address: StateTestAccount] = [:]
    for (key, accountValue) in preObject {
      let field = "\(name).pre.\(key)"
      guard let address = Address(hex: key) else { throw fail(field, "not a 20-byte address") }
      pre[address] = try account(accountValue, at: field)
    }
    let transaction = try transactionTemplate(test["transaction"], at: "\(name).transaction")
    let postObject = try object(test["post"], at: "\(name).post")
    var post: [StateTestExpectation] = []
    let forkNames = postObject.keys.sorted { a, b in
      switch (Fork(name: a), Fork(name: b)) {
      case (let x?, let y?) where x != y: return x < y
      case (.some, nil): return true
      case (nil, .some): return false
      default: return a < b
      }
    }
    for forkName in forkNames {
      let entries = try array(postObject[forkName], at: "\(name).post.\(forkName)")
      for (index, entry) in entries.enumerated() {
        post.append(
          try expectation(
            entry, forkName: forkName, index: index, at: "\(name).post.\(forkName)[\(index)]"))
      }
    }
    return StateTest(name: name, env: env, pre: pre, transaction: transaction, post: post)
  }

  func environment(_ value: Any?, at field: String) throws(StateTestError) -> StateTestEnvironment {
    let env = try object(value, at: field)
    return StateTestEnvironment(
      coinbase: try address(env["currentCoinbase"], at: "\(field).currentCoinbase"),
      gasLimit: try uint64(
        env["currentGasLimit"], at: "\(field).currentGasLimit", saturating: true),
      number: try uint64(env["currentNumber"], at: "\(field).currentNumber"),
      timestamp: try uint64(env["currentTimestamp"], at: "\(field).currentTimestamp"),
      difficulty: env["currentDifficulty"] == nil
        ? .zero : try word(env["currentDifficulty"], at: "\(field).currentDifficulty"),
      random: env["currentRandom"] == nil
        ? nil : try bytes32(env["currentRandom"], at: "\(field).currentRandom", leftPad: true),
      baseFee: env["currentBaseFee"] == nil
        ? nil : try word(env["currentBaseFee"], at: "\(field).currentBaseFee"),
      excessBlobGas: env["currentExcessBlobGas"] == nil
        ? nil : try uint64(env["currentExcessBlobGas"], at: "\(field).currentExcessBlobGas"),
      previousHash: env["previousHash"] == nil
        ? nil : try bytes32(env["previousHash"], at: "\(field).previousHash"))
  }

  func account(_ value: Any, at field: String) throws(StateTestError) -> StateTestAccount {
    let account = try object(value, at: field)
    var storage: FlatDictionary<UInt256, UInt256> = [:]
    let storageObject = try object(account["storage"] ?? [String: Any](), at: "\(field).storage")
    for (key, slotValue) in storageObject {
      guard let slot = UInt256(hexOrDecimal: key) else {
        throw fail("\(field).storage.\(key)", "not a 256-bit key")
      }
      let word = try word(slotValue, at: "\(field).storage.\(key)")
      if !word.isZero { storage[slot] = word }
    }
    return StateTestAccount(
      balance: try word(account["balance"], at: "\(field).balance"),
      nonce: try uint64(account["nonce"], at: "\(field).nonce"),
      code: try bytes(account["code"] ?? "0x", at: "\(field).code"),
      storage: storage)
  }

  /// The template is informative only, so a variant in a notation this
  /// parser does not read (`0x:bigint …`) becomes `nil` instead of an error.
  func transactionTemplate(_ value: Any?, at field: String) throws(StateTestError)
    -> StateTestTransaction
  {
    let tx = try object(value, at: field)
    var template = StateTestTransaction()
    if let sender = tx["sender"] { template.sender = try address(sender, at: "\(field).sender") }
    if let to = tx["to"] as? String, !to.isEmpty {
      template.to = try address(to, at: "\(field).to")
    }
    if let nonce = tx["nonce"] {
      template.nonce = (nonce as? String).flatMap { UInt256(hexOrDecimal: $0) }
    }
    template.data = try array(tx["data"], at: "\(field).data").map {
      ($0 as? String).flatMap(Hex.decode)
    }
    template.gasLimit = try array(tx["gasLimit"], at: "\(field).gasLimit").map {
      ($0 as? String).flatMap { UInt256(hexOrDecimal: $0) }
    }
    template.value = try array(tx["value"], at: "\(field).value").map {
      ($0 as? String).flatMap { UInt256(hexOrDecimal: $0) }
    }
    return template
  }

  func expectation(_ value: Any, forkName: String, index: Int, at field: String)
    throws(StateTestError) -> StateTestExpectation
  {
    let entry = try object(value, at: field)
    let indexes = try object(entry["indexes"], at: "\(field).indexes")
    var exception: String?
    if let expect = entry["expectException"] {
      exception = try string(expect, at: "\(field).expectException")
    }
    var gasUsed: UInt64?
    if let gas = entry["_gasUsed"] { gasUsed = try uint64(gas, at: "\(field)._gasUsed") }
    return StateTestExpectation(
      forkName: forkName, index: index,
      indexes: StateTestIndexes(
        data: try integer(indexes["data"], at: "\(field).indexes.data"),
        gas: try integer(indexes["gas"], at: "\(field).indexes.gas"),
        value: try integer(indexes["value"], at: "\(field).indexes.value")),
      stateRoot: try bytes32(entry["hash"], at: "\(field).hash"),
      logsHash: try bytes32(entry["logs"], at: "\(field).logs"),
      // A re-fill whose transaction the specification could not even parse
      // has no `txbytes`, only the exception: an empty transaction, rejected.
      txBytes: entry["txbytes"] == nil && exception != nil
        ? [] : try bytes(entry["txbytes"], at: "\(field).txbytes"),
      expectException: exception, gasUsed: gasUsed)
  }
}
