import EVMPrimitives

/// The gas a transaction pays before execution starts.
public struct IntrinsicGas: Hashable, Sendable {
  /// The intrinsic cost charged up front (`calculate_intrinsic_cost`).
  public let cost: UInt64
  /// The EIP-7623 calldata floor (Prague on): the least gas the transaction
  /// is charged in total; zero before Prague. The gas limit must cover
  /// `max(cost, floor)`.
  public let floor: UInt64

  /// An intrinsic cost and floor.
  public init(cost: UInt64, floor: UInt64) {
    self.cost = cost
    self.floor = floor
  }

  /// The gas the limit must cover: `max(cost, floor)`.
  @inlinable public var required: UInt64 { Swift.max(cost, floor) }
}

/// Gas constants of the transaction-level rules.
public enum TransactionGas {
  /// Every transaction.
  public static let base: UInt64 = 21_000
  /// Extra for a contract creation, from Homestead.
  public static let create: UInt64 = 32_000
  /// A zero byte of call data.
  public static let zeroByte: UInt64 = 4
  /// A non-zero byte of call data before Istanbul.
  public static let nonZeroByteFrontier: UInt64 = 68
  /// A non-zero byte of call data from Istanbul (EIP-2028).
  public static let nonZeroByteIstanbul: UInt64 = 16
  /// An access-list address (EIP-2930).
  public static let accessListAddress: UInt64 = 2_400
  /// An access-list storage key (EIP-2930).
  public static let accessListStorageKey: UInt64 = 1_900
  /// Per 32-byte word of init code, from Shanghai (EIP-3860).
  public static let initCodeWord: UInt64 = 2
  /// Per EIP-7702 authorisation (`PER_EMPTY_ACCOUNT_COST`).
  public static let perAuthorization: UInt64 = 25_000
  /// EIP-7623 floor cost per calldata token.
  public static let floorPerToken: UInt64 = 10
  /// EIP-7623 standard cost per calldata token.
  public static let standardPerToken: UInt64 = 4
  /// The largest init code from Shanghai (EIP-3860): 2 × 0x6000.
  public static let maxInitCodeSize = 2 * 0x6000
  /// The per-transaction gas limit cap from Osaka (EIP-7825).
  public static let maxTransactionGasLimit: UInt64 = 1 << 24
  /// The most blobs one transaction may carry from Osaka (EIP-7594).
  public static let maxBlobsPerTransaction = 6
}

extension Transaction {
  /// The intrinsic gas at `fork`, exactly as the execution specs'
  /// `calculate_intrinsic_cost`: 21000; 32000 more for a creation from
  /// Homestead; call data at 4 per zero byte and 68 (16 from Istanbul) per
  /// other byte; 2 per init-code word for creations from Shanghai; 2400 per
  /// access-list address and 1900 per key; 25000 per EIP-7702 authorisation.
  /// From Prague, call data is priced in tokens (zero byte 1, other 4) at 4
  /// gas each, and `floor` is the EIP-7623 floor `21000 + 10·tokens`.
  ///
  /// Sums saturate at `UInt64.max` (no real transaction comes near).
  public func intrinsicGas(fork: Fork) -> IntrinsicGas {
    var zeroBytes: UInt64 = 0
    for byte in data where byte == 0 { zeroBytes += 1 }
    let nonZeroBytes = UInt64(data.count) - zeroBytes

    var cost = TransactionGas.base
    var floor: UInt64 = 0
    if fork >= .prague {
      let tokens = zeroBytes &+ nonZeroBytes &* 4
      cost = add(cost, mul(tokens, TransactionGas.standardPerToken))
      floor = add(TransactionGas.base, mul(tokens, TransactionGas.floorPerToken))
    } else {
      let nonZeroCost =
        fork >= .istanbul
        ? TransactionGas.nonZeroByteIstanbul : TransactionGas.nonZeroByteFrontier
      cost = add(cost, mul(zeroBytes, TransactionGas.zeroByte))
      cost = add(cost, mul(nonZeroBytes, nonZeroCost))
    }
    if to == nil {
      if fork >= .homestead { cost = add(cost, TransactionGas.create) }
      if fork >= .shanghai {
        let words = (UInt64(data.count) + 31) / 32
        cost = add(cost, mul(words, TransactionGas.initCodeWord))
      }
    }
    if fork >= .berlin {
      for entry in accessList {
        cost = add(cost, TransactionGas.accessListAddress)
        cost = add(
          cost, mul(UInt64(entry.storageKeys.count), TransactionGas.accessListStorageKey))
      }
    }
    if fork >= .prague {
      cost = add(cost, mul(UInt64(authorizationList.count), TransactionGas.perAuthorization))
    }
    return IntrinsicGas(cost: cost, floor: floor)
  }

  /// The state-independent validity rules at `fork`, returning the intrinsic gas:
  ///
  /// - the type is enabled at `fork`;
  /// - the gas limit covers the intrinsic cost (and from Prague the EIP-7623 floor);
  /// - the nonce is below 2^64 − 1 (EIP-2681);
  /// - from Shanghai a creation's init code is at most 49152 bytes (EIP-3860);
  /// - from Osaka the gas limit is at most 2^24 (EIP-7825);
  /// - EIP-1559 and later: `maxPriorityFeePerGas ≤ maxFeePerGas`;
  /// - `gasLimit × max gas price` fits in 256 bits (otherwise no balance can pay);
  /// - a blob transaction has 1…6 (Osaka) blobs with KZG-versioned hashes;
  /// - a set-code transaction has at least one authorisation.
  ///
  /// Signature checks are in ``recoverSender(fork:chainId:)``; balance, nonce
  /// and fee-versus-base-fee checks need the state and the block.
  @discardableResult
  public func validate(fork: Fork) throws(TransactionValidationError) -> IntrinsicGas {
    guard fork >= type.introducedIn else { throw .typeNotSupported(type, fork) }
    let intrinsic = intrinsicGas(fork: fork)
    guard gasLimit >= intrinsic.required else {
      throw .intrinsicGasTooLow(gasLimit: gasLimit, required: intrinsic.required)
    }
    guard nonce < UInt64.max else { throw .nonceOverflow }
    if to == nil, fork >= .shanghai, data.count > TransactionGas.maxInitCodeSize {
      throw .initCodeTooLarge(size: data.count, limit: TransactionGas.maxInitCodeSize)
    }
    if fork >= .osaka, gasLimit > TransactionGas.maxTransactionGasLimit {
      throw .gasLimitAboveCap(gasLimit: gasLimit, cap: TransactionGas.maxTransactionGasLimit)
    }
    if type != .legacy, type != .accessList, maxPriorityFeePerGas > maxFeePerGas {
      throw .priorityFeeGreaterThanMaxFee
    }
    guard Self.productFits(gasLimit, maxFeePerGas) else { throw .gasLimitPriceProductOverflow }
    if type == .blob {
      guard !blobVersionedHashes.isEmpty else { throw .noBlobs }
      if fork >= .osaka, blobVersionedHashes.count > TransactionGas.maxBlobsPerTransaction {
        throw .tooManyBlobs(
          count: blobVersionedHashes.count, limit: TransactionGas.maxBlobsPerTransaction)
      }
      for (index, hash) in blobVersionedHashes.enumerated() where hash.b0 >> 56 != 0x01 {
        throw .invalidBlobVersionedHash(index: index)
      }
    }
    if type == .setCode, authorizationList.isEmpty { throw .emptyAuthorizationList }
    return intrinsic
  }

  /// Whether `a × b` fits in 256 bits.
  static func productFits(_ a: UInt64, _ b: UInt256) -> Bool {
    // a × b = a·w0 + a·w1·2^64 + a·w2·2^128 + a·w3·2^192; only the top limb can overflow.
    let (h0, _) = a.multipliedFullWidth(by: b.w0)
    let (h1, l1) = a.multipliedFullWidth(by: b.w1)
    let (h2, l2) = a.multipliedFullWidth(by: b.w2)
    let (h3, l3) = a.multipliedFullWidth(by: b.w3)
    guard h3 == 0 else { return false }
    // Limb 1 = l1 + h0 (carry c1); limb 2 = l2 + h1 + c1 (carry c2); limb 3 = l3 + h2 + c2.
    let (_, c1) = l1.addingReportingOverflow(h0)
    let (s2, c2a) = l2.addingReportingOverflow(h1)
    let (_, c2b) = s2.addingReportingOverflow(c1 ? 1 : 0)
    let (s3, c3a) = l3.addingReportingOverflow(h2)
    let (_, c3b) = s3.addingReportingOverflow((c2a ? 1 : 0) + (c2b ? 1 : 0))
    return !c3a && !c3b
  }
}

private func add(_ a: UInt64, _ b: UInt64) -> UInt64 {
  let (sum, overflow) = a.addingReportingOverflow(b)
  return overflow ? .max : sum
}

private func mul(_ a: UInt64, _ b: UInt64) -> UInt64 {
  let (product, overflow) = a.multipliedReportingOverflow(by: b)
  return overflow ? .max : product
}
