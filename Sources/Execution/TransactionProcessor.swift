import EVM
import EVMPrimitives
import Transactions

/// Why a transaction cannot be included; the state is left untouched.
public enum InvalidTransaction: Error, Equatable, Sendable, CustomStringConvertible {
  case typeNotSupported(TransactionType, Fork)
  case intrinsicGas(String)
  case gasLimitExceedsBlock(limit: UInt64, available: UInt64)
  case gasLimitAboveCap(UInt64)
  case nonceMismatch(expected: UInt64, got: UInt64)
  case nonceOverflow
  case insufficientBalance
  case senderHasCode
  case priorityFeeAboveMaxFee
  case maxFeeBelowBaseFee
  case gasPriceBelowBaseFee
  case blob(String)
  case contractCreationNotAllowed(TransactionType)
  case emptyAuthorizationList
  case invalidSignature(String)

  public var description: String {
    switch self {
    case .typeNotSupported(let t, let f): return "transaction type \(t) is not valid in \(f)"
    case .intrinsicGas(let why): return "intrinsic gas: \(why)"
    case .gasLimitExceedsBlock(let limit, let available):
      return "gas limit \(limit) exceeds the block's available gas \(available)"
    case .gasLimitAboveCap(let limit): return "gas limit \(limit) above the EIP-7825 cap 2^24"
    case .nonceMismatch(let expected, let got): return "nonce \(got), account nonce \(expected)"
    case .nonceOverflow: return "sender nonce at 2^64-1 (EIP-2681)"
    case .insufficientBalance: return "sender balance below gas limit × max fee + value"
    case .senderHasCode: return "sender has code (EIP-3607)"
    case .priorityFeeAboveMaxFee: return "max priority fee above max fee"
    case .maxFeeBelowBaseFee: return "max fee per gas below the base fee"
    case .gasPriceBelowBaseFee: return "gas price below the base fee"
    case .blob(let why): return "blob transaction: \(why)"
    case .contractCreationNotAllowed(let t): return "\(t) transaction cannot create a contract"
    case .emptyAuthorizationList: return "empty authorization list"
    case .invalidSignature(let why): return "invalid signature: \(why)"
    }
  }
}

/// The result of one included transaction.
public struct TransactionOutcome: Sendable {
  public var status: ExecutionStatus
  /// Gas charged to the block (after refunds and the EIP-7623 floor).
  public var gasUsed: UInt64
  public var blobGasUsed: UInt64
  public var logs: [Log]
  public var output: [UInt8]
  /// The state diff, including the coinbase fee as a lazy credit when the
  /// transaction never read the coinbase.
  public var changes: StateChanges
  /// True when a precompile whose cryptography is pending was called.
  public var calledPendingPrecompile: Bool
  /// The sender checks left to the committer (lazy sender only).
  public var deferredSenderCheck: DeferredSenderCheck?
}

/// The checks a lazily executed sender still needs, in block order: the
/// account's nonce must equal `nonce` and its balance cover `balance`.
public struct DeferredSenderCheck: Sendable, Equatable {
  public var nonce: UInt64
  public var balance: UInt256

  public init(nonce: UInt64, balance: UInt256) {
    self.nonce = nonce
    self.balance = balance
  }
}

/// EIP-4844 blob gas parameters by fork.
public enum BlobGas {
  public static let perBlob: UInt64 = 1 << 17

  public static func maxBlobsPerBlock(_ fork: Fork) -> UInt64 { fork >= .prague ? 9 : 6 }
  public static func updateFraction(_ fork: Fork) -> UInt64 {
    fork >= .prague ? 5_007_716 : 3_338_477
  }

  /// fake_exponential(1, excess, fraction): the blob base fee.
  public static func price(excessBlobGas: UInt64, fork: Fork) -> UInt256 {
    let denominator = UInt256(updateFraction(fork))
    let numerator = UInt256(excessBlobGas)
    var i: UInt64 = 1
    var output = UInt256.zero
    var accumulator = denominator  // factor (1) × denominator
    while !accumulator.isZero {
      output = output &+ accumulator
      accumulator = (accumulator &* numerator).quotient(dividingBy: denominator &* UInt256(i))
      i += 1
    }
    return output.quotient(dividingBy: denominator)
  }
}

/// Transaction processing as the execution specs define it: validation, the
/// up-front gas purchase, execution, refunds and fee payment, generic over the
/// state view so the sequential store and Block-STM share it.
public enum TransactionProcessor {
  /// Executes `tx` from `sender` against `view`. Throws, changing nothing,
  /// when the transaction is invalid.
  public static func execute<View: StateView>(
    _ tx: Transaction, sender: Address, view: View, block: BlockEnvironment,
    blockGasUsed: UInt64 = 0, blockBlobGasUsed: UInt64 = 0
  ) throws(InvalidTransaction) -> TransactionOutcome {
    var view = view
    return try execute(
      tx, sender: sender, view: &view, block: block, blockGasUsed: blockGasUsed,
      blockBlobGasUsed: blockBlobGasUsed)
  }

  /// As `execute(_:sender:view:block:…)`, handing the view back afterwards
  /// (Block-STM reads the reads it recorded).
  ///
  /// With `lazySender` (Block-STM, plain transfers only) the sender is not
  /// read: its nonce increment and balance debit become deltas, and the
  /// nonce and balance checks are returned in `deferredSenderCheck` for the
  /// committer to make in block order.
  public static func execute<View: StateView>(
    _ tx: Transaction, sender: Address, view: inout View, block: BlockEnvironment,
    blockGasUsed: UInt64 = 0, blockBlobGasUsed: UInt64 = 0, lazySender: Bool = false
  ) throws(InvalidTransaction) -> TransactionOutcome {
    let state = JournaledState(view: view, fork: block.fork)
    defer { view = state.view }
    return try execute(
      tx, sender: sender, state: state, block: block, blockGasUsed: blockGasUsed,
      blockBlobGasUsed: blockBlobGasUsed, lazySender: lazySender)
  }

  /// As `execute(_:sender:view:block:…)`, on a thread's reusable
  /// `workspace` (its journaled state and EVM keep their capacity between
  /// transactions): `view` is lent to the workspace for the transaction and
  /// handed back afterwards.
  public static func execute<View: StateView>(
    _ tx: Transaction, sender: Address, view: inout View, block: BlockEnvironment,
    blockGasUsed: UInt64 = 0, blockBlobGasUsed: UInt64 = 0, lazySender: Bool = false,
    workspace: TransactionWorkspace<View>
  ) throws(InvalidTransaction) -> TransactionOutcome {
    workspace.state.reset(borrowing: &view)
    defer { workspace.state.returnView(into: &view) }
    return try execute(
      tx, sender: sender, state: workspace.state, evm: workspace.evm, block: block,
      blockGasUsed: blockGasUsed, blockBlobGasUsed: blockBlobGasUsed, lazySender: lazySender)
  }

  static func execute<View: StateView>(
    _ tx: Transaction, sender: Address, state: JournaledState<View>, evm reusable: EVM<View>? = nil,
    block: BlockEnvironment, blockGasUsed: UInt64, blockBlobGasUsed: UInt64, lazySender: Bool
  ) throws(InvalidTransaction) -> TransactionOutcome {
    let fork = block.fork
    guard tx.type.introducedIn <= fork else { throw .typeNotSupported(tx.type, fork) }
    let intrinsic: IntrinsicGas
    do {
      intrinsic = try tx.validate(fork: fork)
    } catch {
      throw .intrinsicGas("\(error)")
    }
    if fork >= .osaka && tx.gasLimit > TransactionGas.maxTransactionGasLimit {
      throw .gasLimitAboveCap(tx.gasLimit)
    }
    let available = block.gasLimit &- blockGasUsed
    if tx.gasLimit > available {
      throw .gasLimitExceedsBlock(limit: tx.gasLimit, available: available)
    }

    // Fees.
    var effectiveGasPrice: UInt256
    var maxGasFee: UInt256
    let gasLimitWord = UInt256(tx.gasLimit)
    if tx.type == .legacy || tx.type == .accessList {
      if fork >= .london && tx.gasPrice < block.baseFee { throw .gasPriceBelowBaseFee }
      effectiveGasPrice = tx.gasPrice
      maxGasFee = tx.gasPrice
    } else {
      if tx.maxFeePerGas < tx.maxPriorityFeePerGas { throw .priorityFeeAboveMaxFee }
      if tx.maxFeePerGas < block.baseFee { throw .maxFeeBelowBaseFee }
      let priority = min(tx.maxPriorityFeePerGas, tx.maxFeePerGas &- block.baseFee)
      effectiveGasPrice = priority &+ block.baseFee
      maxGasFee = tx.maxFeePerGas
    }
    let (maxFeeTotal, feeOverflow) = gasLimitWord.multipliedReportingOverflow(by: maxGasFee)
    var maxCost = maxFeeTotal
    var overflow = feeOverflow

    var blobGasUsed: UInt64 = 0
    var blobFee = UInt256.zero
    if tx.type == .blob {
      let count = UInt64(tx.blobVersionedHashes.count)
      if count == 0 { throw .blob("no blobs") }
      let perTransactionLimit: UInt64 = fork >= .osaka ? 6 : BlobGas.maxBlobsPerBlock(fork)
      if count > perTransactionLimit { throw .blob("\(count) blobs, limit \(perTransactionLimit)") }
      for hash in tx.blobVersionedHashes where hash.b0 >> 56 != 0x01 {
        throw .blob("versioned hash \(hash) has a version other than 0x01")
      }
      blobGasUsed = count * BlobGas.perBlob
      if blockBlobGasUsed + blobGasUsed > BlobGas.maxBlobsPerBlock(fork) * BlobGas.perBlob {
        throw .blob("block blob gas limit exceeded")
      }
      if tx.maxFeePerBlobGas < block.blobBaseFee {
        throw .blob("max fee per blob gas below the blob base fee")
      }
      let (maxBlobFee, o1) = UInt256(blobGasUsed).multipliedReportingOverflow(
        by: tx.maxFeePerBlobGas)
      let (sum, o2) = maxCost.addingReportingOverflow(maxBlobFee)
      maxCost = sum
      overflow = overflow || o1 || o2
      blobFee = UInt256(blobGasUsed) &* block.blobBaseFee
    }
    if (tx.type == .blob || tx.type == .setCode) && tx.to == nil {
      throw .contractCreationNotAllowed(tx.type)
    }
    if tx.type == .setCode && tx.authorizationList.isEmpty { throw .emptyAuthorizationList }

    let (totalCost, o3) = maxCost.addingReportingOverflow(tx.value)
    if overflow || o3 { throw .insufficientBalance }
    var deferredSenderCheck: DeferredSenderCheck? = nil
    if lazySender {
      deferredSenderCheck = DeferredSenderCheck(nonce: tx.nonce, balance: totalCost)
    } else {
      let senderInfo = state.info(sender)
      if senderInfo.nonce != tx.nonce {
        throw .nonceMismatch(expected: senderInfo.nonce, got: tx.nonce)
      }
      if senderInfo.balance < totalCost { throw .insufficientBalance }
    }
    // EIP-3607 (the specs apply it to every fork); delegated EOAs may send (EIP-7702).
    let senderCode = state.code(sender)
    if senderCode.count > 0 && !(fork >= .prague && senderCode.delegationTarget != nil) {
      throw .senderHasCode
    }

    // Buy gas, bump the nonce.
    let effectiveGasFee = gasLimitWord &* effectiveGasPrice
    state.incrementNonceLazily(sender)
    state.debit(sender, effectiveGasFee &+ blobFee)
    var gas = Int64(tx.gasLimit - intrinsic.cost)

    // Warm set (EIP-2929, EIP-3651).
    if fork >= .berlin {
      state.prewarmAccount(sender)
      if let to = tx.to { state.prewarmAccount(to) }
      state.precompilesWarm = true
      for entry in tx.accessList {
        state.prewarmAccount(entry.address)
        for key in entry.storageKeys { state.prewarmSlot(entry.address, key) }
      }
      if fork >= .shanghai { state.prewarmAccount(block.coinbase) }
    }

    let context = TransactionContext(
      origin: sender, gasPrice: effectiveGasPrice, blobVersionedHashes: tx.blobVersionedHashes)
    let evm: EVM<View>
    if let reusable {
      reusable.begin(context)
      evm = reusable
    } else {
      evm = EVM(state: state, block: block, transaction: context)
    }

    // EIP-7702 authorisations.
    if tx.type == .setCode {
      state.refund += setDelegations(tx.authorizationList, state: state, chainId: block.chainId)
    }

    var result: MessageResult
    if let to = tx.to {
      var code = state.code(to)
      var codeAddress = to
      if fork >= .prague, let delegate = code.delegationTarget {
        state.prewarmAccount(delegate)
        codeAddress = delegate
        code = state.code(delegate)
      }
      let message = Message(
        kind: .call, caller: sender, target: to, codeAddress: codeAddress, value: tx.value,
        input: tx.data, gas: gas, depth: 0, isStatic: false, shouldTransferValue: true, code: code)
      result = evm.execute(message)
    } else {
      let address = ContractAddress.create(sender: sender, nonce: tx.nonce)
      if fork >= .berlin { state.prewarmAccount(address) }
      if state.hasCollision(address) {
        result = MessageResult(status: .failure(.createCollision), gasLeft: 0, output: [])
      } else {
        let message = Message(
          kind: .create, caller: sender, target: address, codeAddress: address, value: tx.value,
          input: [], gas: gas, depth: 0, isStatic: false, shouldTransferValue: true,
          code: Bytecode(tx.data))
        result = evm.execute(message)
      }
    }
    gas = result.gasLeft

    // Refunds (EIP-3529 from London) and the EIP-7623 floor.
    let usedBeforeRefund = tx.gasLimit - UInt64(gas)
    let refundCap = usedBeforeRefund / (fork >= .london ? 5 : 2)
    // A failed frame has reverted the counter to its value at entry (the
    // EIP-7702 authorisation refund, which the specs keep on failure).
    let refund = UInt64(max(0, state.refund))
    var gasUsed = usedBeforeRefund - min(refundCap, refund)
    if fork >= .prague { gasUsed = max(gasUsed, intrinsic.floor) }
    let gasLeft = tx.gasLimit - gasUsed
    state.credit(sender, UInt256(gasLeft) &* effectiveGasPrice)

    // Pay the block producer: lazily when the transaction never read the coinbase.
    let priorityFee = fork >= .london ? effectiveGasPrice &- block.baseFee : effectiveGasPrice
    let fee = UInt256(gasUsed) &* priorityFee
    if !fee.isZero {
      state.credit(block.coinbase, fee)
    } else if fork < .spuriousDragon {
      // A zero fee still writes the coinbase: created when absent.
      state.addBalance(block.coinbase, .zero)
    } else if state.isDead(block.coinbase) {
      // From Spurious Dragon a zero fee changes a live coinbase in nothing
      // and deletes an existing empty one: only its liveness is read.
      state.addBalance(block.coinbase, .zero)
    }
    let changes = state.finalize()
    return TransactionOutcome(
      status: result.status, gasUsed: gasUsed, blobGasUsed: blobGasUsed,
      logs: result.status.isSuccess ? state.logs : [], output: result.output, changes: changes,
      calledPendingPrecompile: evm.calledPendingPrecompile, deferredSenderCheck: deferredSenderCheck
    )
  }

  /// EIP-7702: sets the delegation code of each valid authority; returns the refund.
  static func setDelegations<View: StateView>(
    _ authorizations: [Authorization], state: JournaledState<View>, chainId: UInt64
  ) -> Int64 {
    var refund: Int64 = 0
    for auth in authorizations {
      guard auth.chainId.isZero || auth.chainId == UInt256(chainId) else { continue }
      guard auth.nonce < UInt64.max else { continue }
      guard let authority = auth.authority() else { continue }
      state.prewarmAccount(authority)
      let code = state.code(authority)
      if code.count > 0 && code.delegationTarget == nil { continue }
      if state.nonce(authority) != auth.nonce { continue }
      if state.exists(authority) { refund += 25000 - 12500 }
      let newCode: Bytecode =
        auth.address == .zero ? .empty : Bytecode([0xef, 0x01, 0x00] + auth.address.bytes)
      state.setCode(authority, newCode)
      state.incrementNonce(authority)
    }
    return refund
  }
}

/// Reusable machinery for executing one thread's transactions of a block one
/// after another: a journaled state and an EVM (with its pool of call
/// frames) that keep their capacity between transactions, so a transaction
/// allocates little. Owned by one thread; made per block.
public final class TransactionWorkspace<View: StateView> {
  let state: JournaledState<View>
  let evm: EVM<View>

  /// `placeholder` is the view the state holds between transactions.
  public init(placeholder: View, block: BlockEnvironment) {
    state = JournaledState(view: placeholder, fork: block.fork)
    evm = EVM(
      state: state, block: block, transaction: TransactionContext(origin: .zero, gasPrice: .zero))
  }
}
