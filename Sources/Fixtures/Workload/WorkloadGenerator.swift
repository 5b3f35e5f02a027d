// Synthetic block workloads for benchmarks and tests (`pevm generate`).
//
// A workload is a block filled up to a gas target with one pattern of
// transactions, a complete pre-state (funded senders, the token and pool
// contracts of WorkloadContracts.swift with their initial storage) and the
// expected result computed with the sequential executor
// (`BlockExecutor.execute` + `InMemoryState.stateRoot()`). The same options
// and seed give the same fixture bytes.
//
// Cross-check against the reference, the Python execution specification
// (PyPI `ethereum-execution==2.20.0`, its `ethereum-spec-evm t8n`): every
// committed fixture in Fixtures/blocks was run with
//
//     python3 Tests/tools/spec-t8n.py Fixtures/blocks/KIND-30M.json --check
//
// (all of them: `make fixtures-reference`). The transactions carry real
// signatures, so t8n recovers every sender itself; the script compares t8n's
// gasUsed, receiptsRoot, logsBloom and stateRoot with the fixture's `expect`.
// All eight agree, and for mix-30M the per-transaction receipts (hash,
// status, gas) of `pevm replay --receipts` and the script's are identical,
// including its 17 reverted over-spends:
//
//   fixture                   txs  gasUsed   stateRoot (t8n's and ours)
//   transfers-30M            1428  29988000  0xabea86ffbe80b409548fbdfe9bf032134e937bfe523c5665190bc725c97641ef
//   hot-transfers-30M        1428  29988000  0xab5b18fad538cb03a51ca4bd75c42b5bd2a2fbe87327284fde4bd7b5bf26603c
//   erc20-30M                 590  29960600  0x22691f801519413c692d87531a8ff7fb1b4b3c0afb53e754ef4be55d66c6b639
//   erc20-hot-sender-30M      590  29960540  0x89eeb621f87612233363bbaa8f16737207d41dd5cc93cdbd2ac70b5f1eb16584
//   erc20-hot-recipient-30M   889  29942926  0x161a01424a18bb36415e7ab742e8f7609f920b63ef3d32e380e2993b4cfd8f7d
//   amm-one-pool-30M          683  29932804  0xf3fbc5a1ee1d50107536443f00479b9fafcd7ddbe01fffa7d519d1bca4942e8a
//   amm-many-pools-30M        683  29932888  0xc247bb140e33ba90c5f0b0409bc740b05b8d036ad50f44ecc5691d66aaeec7d6
//   mix-30M                   852  29981098  0x979ccaacb2114837098a410a23889bcd7ebc5769fd0761f2715b2776f9682a73
//
// Also checked the same way, not committed: mix at 10M gas for London, Paris
// and Shanghai (`--seed 7 --pools 5`). The 1G-gas blocks are not: t8n's time
// grows faster than linearly with the block (2 s for 30M gas, over 20 min
// for 1G).

import EVM
import EVMCrypto
import EVMPrimitives
import Execution
import Foundation
import Transactions
import WorldState

/// The transaction pattern of a synthetic block.
public enum WorkloadKind: String, CaseIterable, Sendable, CustomStringConvertible {
  /// Independent raw ether transfers: a new sender and a new recipient per transaction.
  case transfers
  /// Raw ether transfers from distinct senders to one hot recipient.
  case hotTransfers = "hot-transfers"
  /// Independent token transfers: distinct senders, new recipients.
  case erc20
  /// Token transfers from one sender (one nonce chain) to new recipients.
  case erc20HotSender = "erc20-hot-sender"
  /// Token transfers from distinct senders to one recipient (one hot balance slot).
  case erc20HotRecipient = "erc20-hot-recipient"
  /// Swaps on one pool: every transaction reads and writes the same reserves.
  case ammOnePool = "amm-one-pool"
  /// Swaps spread round-robin over many pools (by default a new pool per swap).
  case ammManyPools = "amm-many-pools"
  /// A mix of all of the above, some legacy and EIP-2930 transactions,
  /// senders that send several transactions, and a few reverting over-spends.
  case mix

  /// The name on the command line and in fixture names.
  public var description: String { rawValue }
}

/// What to generate.
public struct WorkloadOptions: Sendable {
  /// The transaction pattern.
  public var kind: WorkloadKind
  /// The block gas limit; transactions are added while the next one fits.
  public var gas: UInt64
  /// The seed of every random choice (keys, addresses, amounts, fees).
  public var seed: UInt64
  /// The fork (London to Cancun; see ``supportedForks``).
  public var fork: Fork
  /// For `amm-many-pools` and `mix`: how many pools the spread swaps cycle
  /// through (`nil`: a new pool for every swap).
  public var pools: Int?

  /// Options with the defaults of `pevm generate`: 30M gas, seed 1, Cancun.
  public init(
    kind: WorkloadKind, gas: UInt64 = 30_000_000, seed: UInt64 = 1, fork: Fork = .cancun,
    pools: Int? = nil
  ) {
    self.kind = kind
    self.gas = gas
    self.seed = seed
    self.fork = fork
    self.pools = pools
  }

  /// The forks the generator builds blocks for. Prague and later need the
  /// EIP-7002/EIP-7251 system contracts in the pre-state, whose code the
  /// generator does not carry.
  public static let supportedForks: [Fork] = [.london, .paris, .shanghai, .cancun]

  /// `30M`, `1G`, `500K`, `21000`, `1_000_000` → gas.
  public static func parseGas(_ text: String) -> UInt64? {
    var digits = text.replacingOccurrences(of: "_", with: "")
    var multiplier: UInt64 = 1
    switch digits.last.map({ Character($0.uppercased()) }) {
    case "K": multiplier = 1_000
    case "M": multiplier = 1_000_000
    case "G": multiplier = 1_000_000_000
    default: break
    }
    if multiplier != 1 { digits.removeLast() }
    guard let value = UInt64(digits) else { return nil }
    let (product, overflow) = value.multipliedReportingOverflow(by: multiplier)
    return overflow ? nil : product
  }

  /// `30000000` → `30M`, `1000000000` → `1G`, else the number.
  public static func gasLabel(_ gas: UInt64) -> String {
    if gas % 1_000_000_000 == 0 { return "\(gas / 1_000_000_000)G" }
    if gas % 1_000_000 == 0 { return "\(gas / 1_000_000)M" }
    if gas % 1_000 == 0 { return "\(gas / 1_000)K" }
    return "\(gas)"
  }
}

/// Why a workload cannot be generated.
public enum WorkloadError: Error, CustomStringConvertible, Sendable {
  /// The fork is not in ``WorkloadOptions/supportedForks``.
  case unsupportedFork(Fork)
  /// The gas target is below one transfer.
  case gasTooSmall(UInt64)
  /// `pools` is zero or negative.
  case badPoolCount(Int)
  /// The executor rejected a generated transaction (a generator bug).
  case invalidTransaction(index: Int, reason: String)
  /// A generated transaction succeeded where it should revert or vice versa,
  /// or ran out of its gas limit (a generator or EVM bug).
  case unexpectedOutcome(index: Int, reason: String)
  /// Re-executing the finished block disagreed with building it.
  case inconsistent(String)

  /// A one-line explanation.
  public var description: String {
    switch self {
    case .unsupportedFork(let fork):
      return "fork \(fork) is not supported (supported: "
        + WorkloadOptions.supportedForks.map(\.description).joined(separator: ", ") + ")"
    case .gasTooSmall(let gas): return "gas \(gas) is below one transfer (21000)"
    case .badPoolCount(let n): return "pool count \(n) must be positive"
    case .invalidTransaction(let index, let reason):
      return "transaction \(index) is invalid: \(reason)"
    case .unexpectedOutcome(let index, let reason): return "transaction \(index): \(reason)"
    case .inconsistent(let why): return "block re-execution disagrees: \(why)"
    }
  }
}

/// A generated block with its pre-state and expected result.
public struct GeneratedWorkload: Sendable {
  /// The fixture name, `KIND-GAS` (for example `erc20-30M`).
  public var name: String
  /// The options it was generated with.
  public var options: WorkloadOptions
  /// The complete pre-state.
  public var pre: InMemoryState
  /// The block (transactions with their senders).
  public var block: Block
  /// The sequential executor's result on `pre`.
  public var result: BlockResult
  /// The post-state root.
  public var stateRoot: Bytes32
  /// The root of the transactions trie.
  public var transactionsRoot: Bytes32
  /// How many transactions of each pattern the block holds, by pattern name.
  public var counts: [String: Int]
  /// How many distinct senders.
  public var senders: Int
  /// How many transactions revert (on purpose: `mix`'s over-spends).
  public var reverted: Int

  /// The fixture file contents (`../shared/FIXTURES.md` format), deterministic.
  public func fixtureJSON() -> String { WorkloadFixtureWriter.json(for: self).rendered() }
}

/// Builds synthetic blocks; see ``WorkloadKind`` for the patterns.
public enum WorkloadGenerator {
  /// The token contract's address (one token for every workload).
  public static let tokenAddress = Address(hex: "0x1000000000000000000000000000000000000000")!
  /// The address of pool `index` (pool 0 is the hot pool of `amm-one-pool` and `mix`).
  public static func poolAddress(_ index: Int) -> Address {
    Address(
      word: Address(hex: "0x2000000000000000000000000000000000000000")!.word
        &+ UInt256(UInt64(index)))
  }

  /// Gas limits per pattern: a transfer's exact cost, and about 1.3× the
  /// largest cost of a token transfer (51k to a new holder) and of a swap (62k
  /// when the output ledger is new).
  static let transferGasLimit: UInt64 = 21_000
  static let tokenGasLimit: UInt64 = 65_000
  static let swapGasLimit: UInt64 = 80_000

  /// Generates the block described by `options`.
  public static func generate(_ options: WorkloadOptions) throws(WorkloadError) -> GeneratedWorkload
  {
    guard WorkloadOptions.supportedForks.contains(options.fork) else {
      throw .unsupportedFork(options.fork)
    }
    guard options.gas >= transferGasLimit else { throw .gasTooSmall(options.gas) }
    if let pools = options.pools, pools <= 0 { throw .badPoolCount(pools) }
    var builder = WorkloadBuilder(options: options)
    try builder.fill()
    return try builder.finish()
  }
}

/// One transaction pattern (a `mix` draws one per transaction).
enum TxPattern: String, CaseIterable {
  case transfer, hotTransfer, tokenTransfer, tokenHotSender, tokenHotRecipient, tokenOverspend,
    swapHotPool,
    swapSpread

  var gasLimit: UInt64 {
    switch self {
    case .transfer, .hotTransfer: return WorkloadGenerator.transferGasLimit
    case .tokenTransfer, .tokenHotSender, .tokenHotRecipient, .tokenOverspend:
      return WorkloadGenerator.tokenGasLimit
    case .swapHotPool, .swapSpread: return WorkloadGenerator.swapGasLimit
    }
  }
}

/// The mutable state of one generation.
struct WorkloadBuilder {
  let options: WorkloadOptions
  var rng: SplitMix64
  let env: BlockEnvironment
  /// The pre-state grows as senders, holders and pools are first needed; an
  /// account or slot is only ever added before any transaction touched it,
  /// so adding it to `pre` and `working` alike keeps them consistent.
  var pre: FlatDictionary<Address, StoredAccount> = [:]
  var working = InMemoryState()
  var transactions: [BlockTransaction] = []
  var gasUsed: UInt64 = 0
  var keys: [Address: [UInt8]] = [:]
  var nonces: [Address: UInt64] = [:]
  var nextKey: UInt64 = 0
  /// Senders of `mix` that may send again.
  var reusable: [Address] = []
  var hotSender: Address?
  let hotRecipient: Address
  var poolsCreated: Set<Int> = []
  var ledgersFunded: Set<[UInt8]> = []
  var nextSpreadPool = 0
  var counts: [TxPattern: Int] = [:]
  var reverted = 0
  let parentHash: Bytes32
  let parentBeaconBlockRoot: Bytes32?
  let withdrawals: [Withdrawal]?

  static let ether = UInt256(1_000_000_000_000_000_000)
  static let gwei: UInt64 = 1_000_000_000

  init(options: WorkloadOptions) {
    self.options = options
    // Mix the kind into the seed so that the kinds draw different numbers.
    var seed = options.seed
    for byte in options.kind.rawValue.utf8 { seed = (seed ^ UInt64(byte)) &* 0x100_0000_01b3 }
    rng = SplitMix64(seed: seed)
    let fork = options.fork
    let (number, timestamp): (UInt64, UInt64) =
      switch fork {
      case .london: (13_000_000, 1_628_000_000)
      case .paris: (16_000_000, 1_668_000_000)
      case .shanghai: (17_500_000, 1_687_000_000)
      default: (20_000_000, 1_717_000_000)
      }
    let coinbase = Address(bytes: rng.bytes(20))
    let baseFee = UInt256(rng.next(in: 3 * Self.gwei...30 * Self.gwei))
    env = BlockEnvironment(
      fork: fork, chainId: 1, coinbase: coinbase, number: number, timestamp: timestamp,
      gasLimit: options.gas,
      difficulty: fork >= .paris ? .zero : UInt256(rng.next(in: 1 << 50...1 << 52)),
      prevRandao: fork >= .paris ? Bytes32(bytes: rng.bytes(32)) : .zero, baseFee: baseFee,
      excessBlobGas: 0,
      blobBaseFee: fork >= .cancun ? BlobGas.price(excessBlobGas: 0, fork: fork) : .zero)
    parentHash = Bytes32(bytes: rng.bytes(32))
    parentBeaconBlockRoot = fork >= .cancun ? Bytes32(bytes: rng.bytes(32)) : nil
    hotRecipient = Address(bytes: rng.bytes(20))
    if fork >= .shanghai {
      let first = rng.next(in: 40_000_000...50_000_000)
      var list: [Withdrawal] = []
      for i in 0..<16 {
        list.append(
          Withdrawal(
            index: first + UInt64(i), validatorIndex: rng.next(in: 100_000...1_000_000),
            address: Address(bytes: rng.bytes(20)), amount: rng.next(in: 10_000_000...20_000_000)))
      }
      withdrawals = list
    } else {
      withdrawals = nil
    }

    // The fee recipient, the hot recipient (an exchange wallet) and the token.
    put(coinbase, StoredAccount(info: AccountInfo(balance: randomEther(1...10))))
    put(hotRecipient, StoredAccount(info: AccountInfo(balance: randomEther(100...10_000))))
    let token = BytecodeCache.shared.bytecode(for: WorkloadToken.code)
    put(
      WorkloadGenerator.tokenAddress,
      StoredAccount(
        info: AccountInfo(balance: .zero, nonce: 1, codeHash: token.hash), code: token,
        storage: [WorkloadToken.balanceSlot(of: hotRecipient): randomTokens(1_000_000...10_000_000)]
      ))
  }

  // MARK: Pre-state

  mutating func put(_ address: Address, _ account: StoredAccount) {
    pre[address] = account
    working.accounts[address] = account
  }

  mutating func setStorage(_ contract: Address, _ slot: UInt256, _ value: UInt256) {
    pre[contract]!.storage[slot] = value
    working.accounts[contract]!.storage[slot] = value
  }

  /// `range` ether plus random wei below one ether.
  mutating func randomEther(_ range: ClosedRange<UInt64>) -> UInt256 {
    UInt256(rng.next(in: range)) &* Self.ether &+ UInt256(rng.next(in: 0...999_999_999_999_999_999))
  }

  /// `range` whole tokens (18 decimals) plus random dust.
  mutating func randomTokens(_ range: ClosedRange<UInt64>) -> UInt256 {
    randomEther(range)
  }

  /// A new externally owned account with a known key and `balance`.
  mutating func newSender(balance: UInt256) -> Address {
    let (key, address) = WorkloadKeys.key(seed: options.seed, index: nextKey)
    nextKey += 1
    keys[address] = key
    nonces[address] = 0
    put(address, StoredAccount(info: AccountInfo(balance: balance)))
    return address
  }

  /// A sender for `pattern`: in `mix` a quarter of the transactions come from
  /// an earlier sender; every `mix` sender holds ether and tokens.
  mutating func sender(for pattern: TxPattern) -> Address {
    if options.kind == .mix {
      if !reusable.isEmpty && rng.chance(25) {
        let address = reusable[Int(rng.next(in: 0...UInt64(reusable.count - 1)))]
        // At most 1 ether of value and 0.01 of fees a transaction: keep 2 in hand.
        if working.accounts[address]!.info.balance >= Self.ether &* UInt256(2) { return address }
      }
      let address = newSender(balance: randomEther(1...100))
      setStorage(
        WorkloadGenerator.tokenAddress, WorkloadToken.balanceSlot(of: address),
        randomTokens(1_000...100_000))
      reusable.append(address)
      return address
    }
    switch pattern {
    case .tokenHotSender:
      if let hotSender { return hotSender }
      let address = newSender(balance: randomEther(10_000...20_000))
      setStorage(
        WorkloadGenerator.tokenAddress, WorkloadToken.balanceSlot(of: address),
        randomTokens(1_000_000_000...2_000_000_000))
      hotSender = address
      return address
    case .tokenTransfer, .tokenHotRecipient, .tokenOverspend:
      let address = newSender(balance: randomEther(1...100))
      setStorage(
        WorkloadGenerator.tokenAddress, WorkloadToken.balanceSlot(of: address),
        randomTokens(1_000...100_000))
      return address
    case .transfer, .hotTransfer, .swapHotPool, .swapSpread:
      return newSender(balance: randomEther(1...100))
    }
  }

  /// Pool `index`'s address, deploying it with random reserves on first use.
  mutating func pool(_ index: Int) -> Address {
    let address = WorkloadGenerator.poolAddress(index)
    if poolsCreated.insert(index).inserted {
      let code = BytecodeCache.shared.bytecode(for: WorkloadPool.code)
      put(
        address,
        StoredAccount(
          info: AccountInfo(balance: .zero, nonce: 1, codeHash: code.hash), code: code,
          storage: [
            WorkloadPool.reserve0Slot: randomTokens(1_000_000...10_000_000),
            WorkloadPool.reserve1Slot: randomTokens(1_000_000...10_000_000),
          ]))
    }
    return address
  }

  /// Gives `user` a ledger of both tokens in pool `index` (once).
  mutating func fundLedger(pool index: Int, user: Address) {
    let address = pool(index)
    guard ledgersFunded.insert(address.bytes + user.bytes).inserted else { return }
    for token in 0..<2 {
      setStorage(
        address, WorkloadPool.ledgerSlot(of: user, token: token), randomTokens(1_000...10_000))
    }
  }

  // MARK: Transactions

  /// A signed transaction from `sender` with the next nonce. EIP-1559 except
  /// in `mix`, where 5 % are legacy (EIP-155) and 5 % EIP-2930.
  mutating func transaction(
    from sender: Address, to: Address, value: UInt256, data: [UInt8], gasLimit: UInt64,
    accessList: [AccessListEntry]
  ) -> Transaction {
    let nonce = nonces[sender]!
    nonces[sender] = nonce + 1
    let priority = UInt256(rng.next(in: 10_000_000...3 * Self.gwei))
    var type = TransactionType.dynamicFee
    if options.kind == .mix {
      let draw = rng.next(in: 0...99)
      if draw < 5 { type = .legacy } else if draw < 10 { type = .accessList }
    }
    var tx: Transaction
    switch type {
    case .legacy:
      tx = Transaction(
        type: .legacy, chainId: 1, nonce: nonce, gasPrice: env.baseFee &+ priority,
        gasLimit: gasLimit, to: to,
        value: value, data: data)
    case .accessList:
      tx = Transaction(
        type: .accessList, chainId: 1, nonce: nonce, gasPrice: env.baseFee &+ priority,
        gasLimit: gasLimit, to: to,
        value: value, data: data, accessList: accessList)
    default:
      tx = Transaction(
        type: .dynamicFee, chainId: 1, nonce: nonce, maxPriorityFeePerGas: priority,
        maxFeePerGas: env.baseFee &* UInt256(2) &+ priority, gasLimit: gasLimit, to: to,
        value: value, data: data)
    }
    guard let signature = Secp256k1.sign(hash: tx.signingHash(), privateKey: keys[sender]!) else {
      fatalError("WorkloadKeys produced an invalid secret key")
    }
    tx.r = signature.r
    tx.s = signature.s
    tx.v = UInt256(UInt64(signature.recoveryId) + (type == .legacy ? 37 : 0))
    return tx
  }

  /// Executes `tx` on the working state and appends it to the block.
  mutating func include(
    _ tx: Transaction, sender: Address, pattern: TxPattern, shouldSucceed: Bool = true
  )
    throws(WorkloadError)
  {
    let index = transactions.count
    let outcome: TransactionOutcome
    do {
      outcome = try TransactionProcessor.execute(
        tx, sender: sender, view: working, block: env, blockGasUsed: gasUsed)
    } catch {
      throw .invalidTransaction(index: index, reason: "\(error)")
    }
    guard outcome.status.isSuccess == shouldSucceed else {
      throw .unexpectedOutcome(
        index: index,
        reason: "\(pattern.rawValue) \(shouldSucceed ? "failed" : "succeeded"): \(outcome.status)")
    }
    guard outcome.gasUsed < tx.gasLimit || pattern.gasLimit == WorkloadGenerator.transferGasLimit
    else {
      throw .unexpectedOutcome(
        index: index, reason: "\(pattern.rawValue) used its whole gas limit \(tx.gasLimit)")
    }
    working.apply(outcome.changes)
    gasUsed += outcome.gasUsed
    if !outcome.status.isSuccess { reverted += 1 }
    transactions.append(BlockTransaction(transaction: tx, sender: sender))
    counts[pattern, default: 0] += 1
  }

  /// Adds one transaction of `pattern`; false when its gas limit does not fit.
  mutating func add(_ pattern: TxPattern) throws(WorkloadError) -> Bool {
    guard gasUsed + pattern.gasLimit <= options.gas else { return false }
    let token = WorkloadGenerator.tokenAddress
    let from = sender(for: pattern)
    switch pattern {
    case .transfer, .hotTransfer:
      let to = pattern == .transfer ? Address(bytes: rng.bytes(20)) : hotRecipient
      let value = UInt256(rng.next(in: 1_000_000_000_000_000...1_000_000_000_000_000_000))
      let tx = transaction(
        from: from, to: to, value: value, data: [], gasLimit: pattern.gasLimit, accessList: [])
      try include(tx, sender: from, pattern: pattern)
    case .tokenTransfer, .tokenHotSender, .tokenHotRecipient, .tokenOverspend:
      let to = pattern == .tokenHotRecipient ? hotRecipient : Address(bytes: rng.bytes(20))
      var amount = UInt256(rng.next(in: 1_000_000_000_000_000...10_000_000_000_000_000_000))
      if pattern == .tokenOverspend {
        amount = working.storage(token, WorkloadToken.balanceSlot(of: from)) &+ amount
      }
      let tx = transaction(
        from: from, to: token, value: .zero,
        data: WorkloadToken.transferCall(to: to, amount: amount),
        gasLimit: pattern.gasLimit,
        accessList: [
          AccessListEntry(
            address: token,
            storageKeys: [WorkloadToken.balanceSlot(of: from), WorkloadToken.balanceSlot(of: to)])
        ])
      try include(tx, sender: from, pattern: pattern, shouldSucceed: pattern != .tokenOverspend)
    case .swapHotPool, .swapSpread:
      let index: Int
      if pattern == .swapHotPool {
        index = 0
      } else {
        // Spread pools are 1, 2, … (pool 0 stays the hot one), cycling when a count is given.
        index = 1 + (options.pools.map { nextSpreadPool % $0 } ?? nextSpreadPool)
        nextSpreadPool += 1
      }
      fundLedger(pool: index, user: from)
      let address = pool(index)
      let zeroForOne = rng.chance(50)
      let amountIn = UInt256(rng.next(in: 10_000_000_000_000_000...10_000_000_000_000_000_000))
      let tx = transaction(
        from: from, to: address, value: .zero,
        data: WorkloadPool.swapCall(amountIn: amountIn, zeroForOne: zeroForOne),
        gasLimit: pattern.gasLimit,
        accessList: [
          AccessListEntry(
            address: address,
            storageKeys: [
              WorkloadPool.reserve0Slot, WorkloadPool.reserve1Slot,
              WorkloadPool.ledgerSlot(of: from, token: 0),
              WorkloadPool.ledgerSlot(of: from, token: 1),
            ])
        ])
      try include(tx, sender: from, pattern: pattern)
    }
    return true
  }

  /// A `mix` draw: 30 % transfers, 10 % hot transfers, 22 % token transfers,
  /// 10 % to the hot holder, 2 % over-spends (revert), 10 % hot-pool swaps,
  /// 16 % spread swaps.
  mutating func mixPattern() -> TxPattern {
    let draw = rng.next(in: 0...99)
    switch draw {
    case 0..<30: return .transfer
    case 30..<40: return .hotTransfer
    case 40..<62: return .tokenTransfer
    case 62..<72: return .tokenHotRecipient
    case 72..<74: return .tokenOverspend
    case 74..<84: return .swapHotPool
    default: return .swapSpread
    }
  }

  /// Adds transactions while the next one fits.
  mutating func fill() throws(WorkloadError) {
    let single: TxPattern? =
      switch options.kind {
      case .transfers: .transfer
      case .hotTransfers: .hotTransfer
      case .erc20: .tokenTransfer
      case .erc20HotSender: .tokenHotSender
      case .erc20HotRecipient: .tokenHotRecipient
      case .ammOnePool: .swapHotPool
      case .ammManyPools: .swapSpread
      case .mix: nil
      }
    if let single {
      while try add(single) {}
      return
    }
    // mix: when the drawn pattern does not fit, end with transfers.
    while true {
      if try add(mixPattern()) { continue }
      while try add(.transfer) {}
      return
    }
  }

  // MARK: Result

  /// Re-executes the finished block on the pre-state with the block executor
  /// (the expectations come from this run) and checks senders and gas.
  func finish() throws(WorkloadError) -> GeneratedWorkload {
    let block = Block(
      environment: env, parentHash: parentHash, parentBeaconBlockRoot: parentBeaconBlockRoot,
      transactions: transactions, withdrawals: withdrawals)
    let preState = InMemoryState(accounts: pre, blockHashes: [env.number - 1: parentHash])
    for (index, item) in transactions.enumerated() {
      let recovered = try? item.transaction.recoverSender(fork: env.fork, chainId: env.chainId)
      guard recovered == item.sender else {
        throw .inconsistent(
          "transaction \(index): signature recovers \(recovered.map { "\($0)" } ?? "nothing")")
      }
    }
    var state = preState
    let result: BlockResult
    do {
      result = try BlockExecutor.execute(block, state: &state)
    } catch {
      throw .inconsistent("\(error)")
    }
    guard result.gasUsed == gasUsed else {
      throw .inconsistent("gas used \(result.gasUsed), while building \(gasUsed)")
    }
    var counts: [String: Int] = [:]
    for (pattern, n) in self.counts { counts[pattern.rawValue] = n }
    return GeneratedWorkload(
      name: "\(options.kind)-\(WorkloadOptions.gasLabel(options.gas))", options: options,
      pre: preState, block: block,
      result: result, stateRoot: state.stateRoot(),
      transactionsRoot: MerklePatriciaTrie.orderedRoot(
        transactions.map { $0.transaction.encoded() }),
      counts: counts, senders: keys.count, reverted: reverted)
  }
}
