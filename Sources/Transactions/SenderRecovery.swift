import EVMCrypto
import EVMPrimitives

extension Transaction {
  /// The account that signed this transaction, under the rules of `fork`, as
  /// the execution specs' `recover_sender` (plus the type gate and the typed
  /// chain-id check every client applies):
  ///
  /// - the type must be enabled at `fork` (EIP-2930 from Berlin, EIP-1559 from
  ///   London, EIP-4844 from Cancun, EIP-7702 from Prague);
  /// - 0 < r < n; 0 < s < n, and from Homestead s ≤ n/2 (EIP-2);
  /// - legacy `v` is 27 or 28, or from Spurious Dragon `35 + 2·chainId` or
  ///   `36 + 2·chainId` (EIP-155) with the chain's id;
  /// - a typed transaction's y parity is 0 or 1 and its chain id is the chain's;
  /// - a public key must recover.
  ///
  /// - Parameters:
  ///   - fork: the fork of the block that includes the transaction.
  ///   - chainId: the chain's id (1 for mainnet and the test suites).
  public func recoverSender(fork: Fork, chainId expectedChainId: UInt64 = 1)
    throws(TransactionValidationError) -> Address
  {
    guard fork >= type.introducedIn else { throw .typeNotSupported(type, fork) }
    guard !r.isZero, r < Secp256k1.n else { throw .invalidR }
    if fork >= .homestead {
      guard !s.isZero, s <= Secp256k1.halfN else { throw .invalidS }
    } else {
      guard !s.isZero, s < Secp256k1.n else { throw .invalidS }
    }

    let recoveryId: Int
    let hash: Bytes32
    if type == .legacy {
      if v == 27 || v == 28 {
        recoveryId = Int(v.w0 - 27)
        hash = signingHash(legacyChainId: nil)
      } else {
        guard fork >= .spuriousDragon else { throw .invalidV(v) }
        let base = Self.eip155Base(chainId: expectedChainId)
        if v == base {
          recoveryId = 0
        } else if v == Self.plusOne(base) {
          recoveryId = 1
        } else {
          // Distinguish a well-formed EIP-155 v for another chain from garbage.
          if v >= 35 { throw .invalidChainId(expected: expectedChainId, found: v) }
          throw .invalidV(v)
        }
        hash = signingHash(legacyChainId: expectedChainId)
      }
    } else {
      guard v.fitsInUInt64, v.w0 < 2 else { throw .invalidV(v) }
      let signedChainId = chainId ?? 0
      guard signedChainId == expectedChainId else {
        throw .invalidChainId(expected: expectedChainId, found: UInt256(signedChainId))
      }
      recoveryId = Int(v.w0)
      hash = signingHash()
    }
    guard let sender = Secp256k1.recoverAddress(hash: hash, r: r, s: s, recoveryId: recoveryId)
    else { throw .recoveryFailed }
    return sender
  }

  /// `35 + 2·chainId` as a 256-bit value (no overflow: at most 2^65 + 35).
  static func eip155Base(chainId: UInt64) -> UInt256 {
    let doubled = UInt256(w0: chainId << 1, w1: chainId >> 63, w2: 0, w3: 0)
    return plus(doubled, 35)
  }

  static func plusOne(_ x: UInt256) -> UInt256 { plus(x, 1) }

  /// `x + small` for values below 2^128 (carry into the second limb only).
  private static func plus(_ x: UInt256, _ small: UInt64) -> UInt256 {
    let (low, carry) = x.w0.addingReportingOverflow(small)
    return UInt256(w0: low, w1: x.w1 &+ (carry ? 1 : 0), w2: x.w2, w3: x.w3)
  }
}
