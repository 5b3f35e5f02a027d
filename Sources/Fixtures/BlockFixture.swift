import EVM
import EVMPrimitives
import Execution
import Foundation
import Transactions
import WorldState

/// A malformed fixture: names the file and the field.
public struct FixtureError: Error, CustomStringConvertible, Sendable {
  public var file: String
  public var field: String
  public var reason: String

  public init(file: String, field: String, reason: String) {
    self.file = file
    self.field = field
    self.reason = reason
  }

  public var description: String { "\(file): \(field): \(reason)" }
}

/// A block fixture (`../shared/FIXTURES.md`): pre-state, block, block hashes
/// and the expectations to check.
public struct BlockFixture: Sendable {
  public var name: String
  public var file: String
  public var chainId: UInt64
  public var pre: InMemoryState
  public var block: Block
  public var expect: Expectations
  /// True when `pre` is the whole state (`expect.stateRoot` present), so the
  /// post-state root is meaningful.
  public var hasCompleteState: Bool { expect.stateRoot != nil }

  /// The fields the block's result must match.
  public struct Expectations: Sendable {
    public var gasUsed: UInt64?
    public var receiptsRoot: Bytes32?
    public var logsBloom: Bloom?
    public var stateRoot: Bytes32?
  }

  /// Reads a fixture file.
  public static func load(_ url: URL) throws(FixtureError) -> BlockFixture {
    let file = url.path
    let object: Any
    do {
      let data = try Data(contentsOf: url)
      object = try JSONSerialization.jsonObject(with: data)
    } catch {
      throw FixtureError(
        file: file, field: "(file)", reason: "cannot read JSON: \(error.localizedDescription)")
    }
    guard let root = object as? [String: Any] else {
      throw FixtureError(file: file, field: "(root)", reason: "expected an object")
    }
    return try BlockFixture(json: root, file: file)
  }

  init(json: [String: Any], file: String) throws(FixtureError) {
    let r = JSONReader(file: file)
    self.file = file
    name =
      (json["name"] as? String)
      ?? URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
    chainId = try json["chainId"].map { v throws(FixtureError) in try r.uint64(v, "chainId") } ?? 1
    guard let blockJSON = json["block"] as? [String: Any] else {
      throw FixtureError(file: file, field: "block", reason: "missing or not an object")
    }
    let number = try r.uint64(blockJSON["number"], "block.number")
    let timestamp = try r.uint64(blockJSON["timestamp"], "block.timestamp")
    let fork: Fork
    if let name = json["fork"] as? String {
      guard let named = Fork(name: name) else {
        throw FixtureError(file: file, field: "fork", reason: "unknown fork \"\(name)\"")
      }
      fork = named
    } else if chainId == 1 {
      fork = MainnetSchedule.fork(number: number, timestamp: timestamp)
    } else {
      throw FixtureError(
        file: file, field: "fork", reason: "missing (required when chainId is not 1)")
    }

    // Pre-state.
    var accounts: FlatDictionary<Address, StoredAccount> = [:]
    guard let preJSON = json["pre"] as? [String: Any] else {
      throw FixtureError(file: file, field: "pre", reason: "missing or not an object")
    }
    accounts.reserveCapacity(preJSON.count)
    for (key, value) in preJSON {
      let address = try r.address(key, "pre")
      guard let account = value as? [String: Any] else {
        throw FixtureError(file: file, field: "pre.\(key)", reason: "expected an object")
      }
      let code = try r.bytes(account["code"] ?? "0x", "pre.\(key).code")
      let bytecode = BytecodeCache.shared.bytecode(for: code)
      var storage: FlatDictionary<UInt256, UInt256> = [:]
      if let storageJSON = account["storage"] as? [String: Any] {
        for (slot, value) in storageJSON {
          let v = try r.uint256(value, "pre.\(key).storage.\(slot)")
          if !v.isZero { storage[try r.uint256(slot, "pre.\(key).storage")] = v }
        }
      }
      accounts[address] = StoredAccount(
        info: AccountInfo(
          balance: try r.uint256(account["balance"] ?? "0x0", "pre.\(key).balance"),
          nonce: try r.uint64(account["nonce"] ?? "0x0", "pre.\(key).nonce"),
          codeHash: bytecode.hash),
        code: bytecode, storage: storage)
    }
    var hashes: [UInt64: Bytes32] = [:]
    if let hashesJSON = json["blockHashes"] as? [String: Any] {
      for (key, value) in hashesJSON {
        guard let n = UInt64(key) else {
          throw FixtureError(
            file: file, field: "blockHashes.\(key)", reason: "not a decimal block number")
        }
        hashes[n] = try r.bytes32(value, "blockHashes.\(key)")
      }
    }
    pre = InMemoryState(accounts: accounts, blockHashes: hashes)

    // Header.
    let excessBlobGas =
      try blockJSON["excessBlobGas"].map { v throws(FixtureError) in
        try r.uint64(v, "block.excessBlobGas")
      } ?? 0
    let environment = BlockEnvironment(
      fork: fork, chainId: chainId, coinbase: try r.address(blockJSON["miner"], "block.miner"),
      number: number, timestamp: timestamp,
      gasLimit: try r.uint64(blockJSON["gasLimit"], "block.gasLimit"),
      difficulty: try r.uint256(blockJSON["difficulty"] ?? "0x0", "block.difficulty"),
      prevRandao: try r.bytes32(
        blockJSON["mixHash"] ?? Hex.encode([UInt8](repeating: 0, count: 32)), "block.mixHash"),
      baseFee: try r.uint256(blockJSON["baseFeePerGas"] ?? "0x0", "block.baseFeePerGas"),
      excessBlobGas: excessBlobGas,
      blobBaseFee: fork >= .cancun ? BlobGas.price(excessBlobGas: excessBlobGas, fork: fork) : .zero
    )

    // Transactions.
    guard let txsJSON = blockJSON["transactions"] as? [Any] else {
      throw FixtureError(file: file, field: "block.transactions", reason: "missing or not a list")
    }
    var transactions: [BlockTransaction] = []
    transactions.reserveCapacity(txsJSON.count)
    for (i, item) in txsJSON.enumerated() {
      guard let tx = item as? [String: Any] else {
        throw FixtureError(
          file: file, field: "block.transactions[\(i)]",
          reason: "expected a full transaction object")
      }
      transactions.append(try r.transaction(tx, "block.transactions[\(i)]", chainId: chainId))
    }
    var withdrawals: [Withdrawal]? = nil
    if let list = blockJSON["withdrawals"] as? [Any] {
      withdrawals = []
      for (i, item) in list.enumerated() {
        let field = "block.withdrawals[\(i)]"
        guard let w = item as? [String: Any] else {
          throw FixtureError(file: file, field: field, reason: "expected an object")
        }
        withdrawals!.append(
          Withdrawal(
            index: try r.uint64(w["index"], field + ".index"),
            validatorIndex: try r.uint64(w["validatorIndex"], field + ".validatorIndex"),
            address: try r.address(w["address"], field + ".address"),
            amount: try r.uint64(w["amount"], field + ".amount")))
      }
    }
    var ommers: [Ommer] = []
    if let list = json["ommers"] as? [Any] {
      for (i, item) in list.enumerated() {
        guard let o = item as? [String: Any] else {
          throw FixtureError(file: file, field: "ommers[\(i)]", reason: "expected an object")
        }
        ommers.append(
          Ommer(
            number: try r.uint64(o["number"], "ommers[\(i)].number"),
            coinbase: try r.address(o["miner"], "ommers[\(i)].miner")))
      }
    }
    block = Block(
      environment: environment,
      parentHash: try r.bytes32(
        blockJSON["parentHash"] ?? Hex.encode([UInt8](repeating: 0, count: 32)), "block.parentHash"),
      parentBeaconBlockRoot: try blockJSON["parentBeaconBlockRoot"].map { v throws(FixtureError) in
        try r.bytes32(v, "block.parentBeaconBlockRoot")
      },
      transactions: transactions, ommers: ommers, withdrawals: withdrawals)

    // Expectations.
    let expectJSON = json["expect"] as? [String: Any] ?? [:]
    expect = Expectations(
      gasUsed: try expectJSON["gasUsed"].map { v throws(FixtureError) in
        try r.uint64(v, "expect.gasUsed")
      },
      receiptsRoot: try expectJSON["receiptsRoot"].map { v throws(FixtureError) in
        try r.bytes32(v, "expect.receiptsRoot")
      },
      logsBloom: try expectJSON["logsBloom"].map { v throws(FixtureError) in
        guard let text = v as? String, let bloom = Bloom(hex: text) else {
          throw FixtureError(
            file: file, field: "expect.logsBloom", reason: "expected 256 hex bytes")
        }
        return bloom
      },
      stateRoot: try expectJSON["stateRoot"].map { v throws(FixtureError) in
        try r.bytes32(v, "expect.stateRoot")
      })
  }
}

/// Typed reads from Foundation JSON values, with errors that name the field.
struct JSONReader {
  let file: String

  func fail(_ field: String, _ reason: String) -> FixtureError {
    FixtureError(file: file, field: field, reason: reason)
  }

  func uint256(_ value: Any?, _ field: String) throws(FixtureError) -> UInt256 {
    switch value {
    case let text as String:
      guard let v = UInt256(hexOrDecimal: text) else {
        throw fail(field, "not a quantity: \"\(text)\"")
      }
      return v
    case let number as NSNumber:
      guard number.int64Value >= 0 else { throw fail(field, "negative") }
      return UInt256(UInt64(number.int64Value))
    case nil: throw fail(field, "missing")
    default: throw fail(field, "expected a hex string or a number")
    }
  }

  func uint64(_ value: Any?, _ field: String) throws(FixtureError) -> UInt64 {
    let v = try uint256(value, field)
    guard v.fitsInUInt64 else { throw fail(field, "does not fit in 64 bits") }
    return v.w0
  }

  func bytes(_ value: Any?, _ field: String) throws(FixtureError) -> [UInt8] {
    guard let text = value as? String else {
      throw fail(field, value == nil ? "missing" : "expected a hex string")
    }
    guard let bytes = Hex.decode(text) else { throw fail(field, "not hex") }
    return bytes
  }

  func address(_ value: Any?, _ field: String) throws(FixtureError) -> Address {
    let b = try bytes(value, field)
    guard b.count == 20 else { throw fail(field, "expected 20 bytes, got \(b.count)") }
    return Address(bytes: b)
  }

  func bytes32(_ value: Any?, _ field: String) throws(FixtureError) -> Bytes32 {
    let b = try bytes(value, field)
    guard b.count <= 32 else { throw fail(field, "expected 32 bytes, got \(b.count)") }
    return Bytes32(bytes: [UInt8](repeating: 0, count: 32 - b.count) + b)
  }

  /// A JSON-RPC transaction object with its `from`.
  func transaction(_ t: [String: Any], _ field: String, chainId: UInt64) throws(FixtureError)
    -> BlockTransaction
  {
    let typeValue =
      try t["type"].map { v throws(FixtureError) in try uint64(v, field + ".type") } ?? 0
    guard let type = TransactionType(rawValue: UInt8(truncatingIfNeeded: typeValue)), typeValue < 5
    else {
      throw fail(field + ".type", "unknown transaction type \(typeValue)")
    }
    var accessList: [AccessListEntry] = []
    if let list = t["accessList"] as? [Any] {
      for (i, item) in list.enumerated() {
        guard let entry = item as? [String: Any] else {
          throw fail(field + ".accessList[\(i)]", "expected an object")
        }
        var keys: [UInt256] = []
        for key in entry["storageKeys"] as? [Any] ?? [] {
          keys.append(try uint256(key, field + ".accessList[\(i)].storageKeys"))
        }
        accessList.append(
          AccessListEntry(
            address: try address(entry["address"], field + ".accessList[\(i)].address"),
            storageKeys: keys))
      }
    }
    var blobHashes: [Bytes32] = []
    for hash in t["blobVersionedHashes"] as? [Any] ?? [] {
      blobHashes.append(try bytes32(hash, field + ".blobVersionedHashes"))
    }
    var authorizations: [Authorization] = []
    for (i, item) in (t["authorizationList"] as? [Any] ?? []).enumerated() {
      let f = field + ".authorizationList[\(i)]"
      guard let a = item as? [String: Any] else { throw fail(f, "expected an object") }
      authorizations.append(
        Authorization(
          chainId: try uint256(a["chainId"], f + ".chainId"),
          address: try address(a["address"], f + ".address"),
          nonce: try uint64(a["nonce"], f + ".nonce"),
          yParity: UInt8(truncatingIfNeeded: try uint64(a["yParity"] ?? a["v"], f + ".yParity")),
          r: try uint256(a["r"], f + ".r"), s: try uint256(a["s"], f + ".s")))
    }
    let isLegacyFee = type == .legacy || type == .accessList
    let gasPrice =
      try t["gasPrice"].map { v throws(FixtureError) in try uint256(v, field + ".gasPrice") }
      ?? .zero
    let maxFee = isLegacyFee ? gasPrice : try uint256(t["maxFeePerGas"], field + ".maxFeePerGas")
    let maxPriority =
      isLegacyFee
      ? gasPrice : try uint256(t["maxPriorityFeePerGas"], field + ".maxPriorityFeePerGas")
    let to: Address? =
      (t["to"] as? String).flatMap { $0.isEmpty ? nil : $0 } == nil
      ? nil : try address(t["to"], field + ".to")
    let transaction = Transaction(
      type: type,
      chainId: type == .legacy
        ? try t["chainId"].map { v throws(FixtureError) in try uint64(v, field + ".chainId") }
        : chainId,
      nonce: try uint64(t["nonce"], field + ".nonce"),
      gasPrice: isLegacyFee ? gasPrice : maxFee, maxPriorityFeePerGas: maxPriority,
      maxFeePerGas: maxFee,
      gasLimit: try uint64(t["gas"] ?? t["gasLimit"], field + ".gas"), to: to,
      value: try uint256(t["value"] ?? "0x0", field + ".value"),
      data: try bytes(t["input"] ?? t["data"] ?? "0x", field + ".input"), accessList: accessList,
      maxFeePerBlobGas: try t["maxFeePerBlobGas"].map { v throws(FixtureError) in
        try uint256(v, field + ".maxFeePerBlobGas")
      } ?? .zero,
      blobVersionedHashes: blobHashes, authorizationList: authorizations,
      v: try uint256((type == .legacy ? t["v"] : t["yParity"] ?? t["v"]) ?? "0x0", field + ".v"),
      r: try uint256(t["r"] ?? "0x0", field + ".r"), s: try uint256(t["s"] ?? "0x0", field + ".s"))
    return BlockTransaction(
      transaction: transaction, sender: try address(t["from"], field + ".from"))
  }
}
