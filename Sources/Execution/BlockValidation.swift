import EVM
import EVMPrimitives
import Transactions
import WorldState

/// Why a block is rejected: the rule it breaks. Descriptions are short and
/// stable (they end up in known-failures comments).
public enum BlockValidationError: Error, Sendable, Equatable, CustomStringConvertible {
  /// Header validation against the parent failed.
  case header(String)
  /// The body does not fit the header or the fork (ommers, withdrawals, size).
  case body(String)
  /// A transaction's signature does not recover a sender.
  case sender(index: Int, String)
  /// Execution rejected the block (an invalid transaction, a failed system call).
  case execution(String)
  /// A header commitment differs from what execution produced.
  case mismatch(field: String, header: String, computed: String)
  /// Blocks of this fork cannot be validated yet.
  case unsupportedFork(Fork)

  /// The reason, for reports.
  public var description: String {
    switch self {
    case .header(let why): return "header: \(why)"
    case .body(let why): return "body: \(why)"
    case .sender(let index, let why): return "transaction \(index): sender recovery: \(why)"
    case .execution(let why): return why
    case .mismatch(let field, let header, let computed):
      return "\(field) mismatch: header \(header), computed \(computed)"
    case .unsupportedFork(let fork): return "block validation for \(fork) is not supported"
    }
  }
}

/// Executes a block on a state, leaving the state untouched on error: the
/// sequential `BlockExecutor` (the default) or Block-STM.
public typealias BlockExecution =
  @Sendable (Block, inout InMemoryState) throws(BlockError) -> BlockResult

/// The consensus rules of the execution layer for blocks from the Merge on,
/// as the execution specification's `state_transition` and `validate_header`
/// (Paris to Osaka) define them. Proof-of-work blocks (difficulty, Ethash
/// seal, ommer validation) are not supported.
public enum BlockValidation {
  /// The parent gas limit divided by this bounds the change of the gas limit.
  public static let gasLimitAdjustmentFactor: UInt64 = 1024
  /// The smallest valid gas limit.
  public static let gasLimitMinimum: UInt64 = 5000
  /// EIP-1559: gas target = gas limit / elasticity.
  public static let elasticityMultiplier: UInt64 = 2
  /// EIP-1559: the base fee moves by at most 1/8 per block.
  public static let baseFeeMaxChangeDenominator: UInt64 = 8
  /// The largest gas limit clients accept (2^63 − 1, geth's `MaxGasLimit`):
  /// not in the execution spec, but a consensus rule of every client that the
  /// test suites exercise (`GasLimitHigherThan2p63m1`).
  public static let gasLimitMaximum: UInt64 = (1 << 63) - 1
  /// EIP-1559: the base fee of the London fork block.
  public static let initialBaseFee: UInt64 = 1_000_000_000
  /// EIP-7934 (Osaka): the largest RLP-encoded block.
  public static let maxRLPBlockSize = 10_485_760 - 2_097_152
  /// EIP-7918 (Osaka): the blob base cost, in units of the base fee.
  public static let blobBaseCost: UInt64 = 1 << 13

  /// The execution spec's `check_gas_limit`: strictly within parent ± parent/1024
  /// and at least 5000.
  public static func checkGasLimit(_ gasLimit: UInt64, parentGasLimit: UInt64) -> Bool {
    let delta = parentGasLimit / gasLimitAdjustmentFactor
    let (upper, overflow) = parentGasLimit.addingReportingOverflow(delta)
    if !overflow && gasLimit >= upper { return false }
    if gasLimit <= parentGasLimit - delta { return false }
    return gasLimit >= gasLimitMinimum
  }

  /// The EIP-1559 base fee of a child of `parent` (`calculate_base_fee_per_gas`);
  /// the initial base fee when the parent has none (the London fork block).
  public static func expectedBaseFee(parent: BlockHeader) -> UInt256 {
    guard let parentBaseFee = parent.baseFee else { return UInt256(initialBaseFee) }
    let target = parent.gasLimit / elasticityMultiplier
    let used = parent.gasUsed
    if used == target || target == 0 { return parentBaseFee }
    if used > target {
      let delta = scaled(parentBaseFee, by: used - target, over: target)
        .quotient(dividingBy: UInt256(baseFeeMaxChangeDenominator))
      return parentBaseFee &+ (delta.isZero ? .one : delta)
    }
    let delta = scaled(parentBaseFee, by: target - used, over: target)
      .quotient(dividingBy: UInt256(baseFeeMaxChangeDenominator))
    return parentBaseFee &- delta
  }

  /// ⌊value × numerator / denominator⌋ without the intermediate product
  /// overflowing 256 bits (exact whenever the result fits).
  static func scaled(_ value: UInt256, by numerator: UInt64, over denominator: UInt64) -> UInt256 {
    let (quotient, remainder) = value.quotientAndRemainder(dividingBy: UInt256(denominator))
    return quotient &* UInt256(numerator)
      &+ (remainder &* UInt256(numerator)).quotient(dividingBy: UInt256(denominator))
  }

  /// The EIP-4844 target blob gas per block of `fork`.
  public static func targetBlobGas(_ fork: Fork) -> UInt64 {
    BlobGas.perBlob * (fork >= .prague ? 6 : 3)
  }

  /// The excess blob gas of a child of `parent` (`calculate_excess_blob_gas`):
  /// zero fields when the parent predates Cancun, EIP-7918's reserve price
  /// from Osaka.
  public static func expectedExcessBlobGas(parent: BlockHeader, fork: Fork) -> UInt64 {
    let excess = parent.excessBlobGas ?? 0
    let used = parent.blobGasUsed ?? 0
    let target = targetBlobGas(fork)
    let (parentBlobGas, overflow) = excess.addingReportingOverflow(used)
    if !overflow && parentBlobGas < target { return 0 }
    if fork >= .osaka, parent.excessBlobGas != nil {
      let targetPrice = UInt256(BlobGas.perBlob) &* BlobGas.price(excessBlobGas: excess, fork: fork)
      let basePrice = UInt256(blobBaseCost) &* (parent.baseFee ?? .zero)
      if basePrice > targetPrice {
        let maximum = BlobGas.maxBlobsPerBlock(fork)
        let targetBlobs: UInt64 = 6
        return excess &+ used &* (maximum - targetBlobs) / maximum
      }
    }
    return parentBlobGas &- target
  }

  /// Header validation against the parent, in the order of the execution
  /// spec's `validate_header` (Paris to Osaka): the field set of the fork,
  /// number ≥ 1, excess blob gas, gas used ≤ gas limit, gas limit bounds and
  /// base fee, timestamp, number, extra data ≤ 32 bytes, difficulty and
  /// nonce zero, the empty ommers hash and the parent hash.
  public static func validateHeader(
    _ header: BlockHeader, parent: BlockHeader, parentHash: Bytes32, fork: Fork
  ) throws(BlockValidationError) {
    guard fork >= .paris else { throw .unsupportedFork(fork) }
    let expectedFields = BlockHeader.fieldCount(for: fork)
    guard header.fieldCount == expectedFields else {
      throw .header("\(header.fieldCount) fields, \(fork) headers have \(expectedFields)")
    }
    guard header.number >= 1 else { throw .header("block number 0") }
    if fork >= .cancun {
      let expected = expectedExcessBlobGas(parent: parent, fork: fork)
      guard header.excessBlobGas == expected else {
        throw .header("excess blob gas \(header.excessBlobGas ?? 0), expected \(expected)")
      }
    }
    guard header.gasLimit <= gasLimitMaximum else {
      throw .header("gas limit \(header.gasLimit) above 2^63 - 1")
    }
    guard header.gasUsed <= header.gasLimit else {
      throw .header("gas used \(header.gasUsed) above the gas limit \(header.gasLimit)")
    }
    let parentGasLimit =
      parent.baseFee == nil ? parent.gasLimit &* elasticityMultiplier : parent.gasLimit
    guard checkGasLimit(header.gasLimit, parentGasLimit: parentGasLimit) else {
      throw .header("gas limit \(header.gasLimit) out of bounds (parent \(parent.gasLimit))")
    }
    let baseFee = expectedBaseFee(parent: parent)
    guard header.baseFee == baseFee else {
      throw .header("base fee \(header.baseFee ?? .zero), expected \(baseFee)")
    }
    guard header.timestamp > parent.timestamp else {
      throw .header("timestamp \(header.timestamp) not after the parent's \(parent.timestamp)")
    }
    guard header.number == parent.number &+ 1 else {
      throw .header("number \(header.number), parent is \(parent.number)")
    }
    guard header.extraData.count <= 32 else {
      throw .header("extra data of \(header.extraData.count) bytes (at most 32)")
    }
    guard header.difficulty.isZero else { throw .header("non-zero difficulty after the Merge") }
    guard header.nonce.allSatisfy({ $0 == 0 }) else {
      throw .header("non-zero nonce after the Merge")
    }
    guard header.ommersHash == BlockHeader.emptyOmmersHash else {
      throw .header("ommers hash is not the empty list's after the Merge")
    }
    guard header.parentHash == parentHash else {
      throw .header("parent hash \(header.parentHash), parent is \(parentHash)")
    }
  }

  /// Validates and executes `block` on its parent's post-state, as the
  /// execution spec's `state_transition` does: header validation, body
  /// checks, sender recovery, execution (`BlockExecutor`), then the header's
  /// commitments: gas used, transactions root, state root, receipts root,
  /// logs bloom, withdrawals root, blob gas used and requests hash.
  ///
  /// - Parameters:
  ///   - block: the decoded block.
  ///   - parent: the parent's header and hash.
  ///   - state: the parent's post-state (the complete state); on success it
  ///     becomes the block's post-state, on failure it is left as it was.
  ///   - blockHashes: the hashes of the block's ancestors BLOCKHASH can see.
  ///   - fork: the block's fork.
  ///   - chainId: the chain's id.
  ///   - encodedSize: the block's RLP size, for the Osaka size limit.
  ///   - execute: how to execute the block (sequentially by default).
  public static func importBlock(
    _ block: DecodedBlock, parent: BlockHeader, parentHash: Bytes32, state: inout InMemoryState,
    blockHashes: [UInt64: Bytes32], fork: Fork, chainId: UInt64, encodedSize: Int? = nil,
    execute: BlockExecution = { block, state throws(BlockError) in
      try BlockExecutor.execute(block, state: &state)
    }
  ) throws(BlockValidationError) -> BlockResult {
    let header = block.header
    if fork >= .osaka, let encodedSize, encodedSize > maxRLPBlockSize {
      throw .body("block of \(encodedSize) bytes exceeds the RLP size limit")
    }
    try validateHeader(header, parent: parent, parentHash: parentHash, fork: fork)
    guard block.ommers.isEmpty else { throw .body("ommers after the Merge") }
    if fork >= .shanghai {
      guard block.withdrawals != nil else { throw .body("missing withdrawals list") }
    } else {
      guard block.withdrawals == nil else { throw .body("withdrawals before Shanghai") }
    }

    var transactions: [BlockTransaction] = []
    transactions.reserveCapacity(block.transactions.count)
    for (index, transaction) in block.transactions.enumerated() {
      do {
        let sender = try transaction.recoverSender(fork: fork, chainId: chainId)
        transactions.append(BlockTransaction(transaction: transaction, sender: sender))
      } catch {
        throw .sender(index: index, error.description)
      }
    }
    let executable = Block(
      environment: header.environment(fork: fork, chainId: chainId), parentHash: header.parentHash,
      parentBeaconBlockRoot: header.parentBeaconBlockRoot, transactions: transactions,
      withdrawals: block.withdrawals)

    var working = state
    working.blockHashes = blockHashes
    let result: BlockResult
    do {
      result = try execute(executable, &working)
    } catch {
      throw .execution(error.description)
    }

    func check<T: Equatable>(_ field: String, _ inHeader: T, _ computed: T)
      throws(BlockValidationError)
    {
      guard inHeader == computed else {
        throw .mismatch(field: field, header: "\(inHeader)", computed: "\(computed)")
      }
    }
    try check("gasUsed", header.gasUsed, result.gasUsed)
    try check("transactionsRoot", header.transactionsRoot, block.transactionsRoot)
    try check("stateRoot", header.stateRoot, working.stateRoot())
    try check("receiptsRoot", header.receiptsRoot, result.receiptsRoot)
    if header.logsBloom != result.logsBloom {
      throw .mismatch(
        field: "logsBloom", header: Hex.encode(header.logsBloom.bytes),
        computed: Hex.encode(result.logsBloom.bytes))
    }
    if fork >= .shanghai {
      try check("withdrawalsRoot", header.withdrawalsRoot, result.withdrawalsRoot)
    }
    if fork >= .cancun { try check("blobGasUsed", header.blobGasUsed, result.blobGasUsed) }
    if fork >= .prague { try check("requestsHash", header.requestsHash, result.requestsHash) }
    state = working
    return result
  }
}
