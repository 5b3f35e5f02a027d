import CSecp256k1
import EVMPrimitives

/// ECDSA public-key recovery on secp256k1, as transaction senders, EIP-7702
/// authorities and the `ECRECOVER` precompile need it.
///
/// Backed by libsecp256k1's recoverable-signature module. One context is
/// created on first use and never mutated afterwards: libsecp256k1 documents
/// that a context may be used concurrently from several threads by every
/// function that takes it as `const` (all the verification and recovery
/// functions used here), so recovery is safe to call from any thread or task
/// without locking.
public enum Secp256k1 {
  /// The order of the curve's group, n.
  public static let n = UInt256(
    w0: 0xBFD2_5E8C_D036_4141, w1: 0xBAAE_DCE6_AF48_A03B,
    w2: 0xFFFF_FFFF_FFFF_FFFE, w3: 0xFFFF_FFFF_FFFF_FFFF)

  /// ⌊n / 2⌋: the largest `s` a signature may have under EIP-2 (Homestead on).
  public static let halfN = UInt256(
    w0: 0xDFE9_2F46_681B_20A0, w1: 0x5D57_6E73_57A4_501D,
    w2: 0xFFFF_FFFF_FFFF_FFFF, w3: 0x7FFF_FFFF_FFFF_FFFF)

  /// The shared, read-only context (see the type's documentation).
  nonisolated(unsafe) private static let context: OpaquePointer = {
    guard let context = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE)) else {
      fatalError("secp256k1_context_create failed")
    }
    return context
  }()

  /// The 64-byte uncompressed public key (x ‖ y, without the 0x04 prefix)
  /// that signed `hash` with signature (`r`, `s`) and recovery id
  /// `recoveryId`, or `nil` when the signature is invalid: `r` or `s` zero or
  /// not below n, a recovery id outside 0...3, or no point recovers.
  ///
  /// No low-s rule is applied here; callers apply their fork's rules first.
  public static func recoverPublicKey(
    hash: Bytes32, r: UInt256, s: UInt256, recoveryId: Int
  ) -> [UInt8]? {
    guard (0...3).contains(recoveryId), !r.isZero, !s.isZero, r < n, s < n else { return nil }
    var compact = [UInt8](repeating: 0, count: 64)
    var message = [UInt8](repeating: 0, count: 32)
    compact.withUnsafeMutableBytes { buffer in
      r.storeBigEndian(to: buffer.baseAddress!)
      s.storeBigEndian(to: buffer.baseAddress! + 32)
    }
    message.withUnsafeMutableBytes { hash.store(to: $0.baseAddress!) }

    var signature = secp256k1_ecdsa_recoverable_signature()
    guard
      secp256k1_ecdsa_recoverable_signature_parse_compact(
        context, &signature, compact, Int32(recoveryId)) == 1
    else { return nil }
    var publicKey = secp256k1_pubkey()
    guard secp256k1_ecdsa_recover(context, &publicKey, &signature, message) == 1 else {
      return nil
    }
    var serialized = [UInt8](repeating: 0, count: 65)
    var length = 65
    guard
      secp256k1_ec_pubkey_serialize(
        context, &serialized, &length, &publicKey, UInt32(SECP256K1_EC_UNCOMPRESSED)) == 1,
      length == 65
    else { return nil }
    return Array(serialized[1...])
  }

  /// The address that signed `hash`: the last 20 bytes of keccak256 of the
  /// recovered 64-byte public key; `nil` when the signature is invalid (see
  /// ``recoverPublicKey(hash:r:s:recoveryId:)``). Never traps on bad input.
  public static func recoverAddress(
    hash: Bytes32, r: UInt256, s: UInt256, recoveryId: Int
  ) -> Address? {
    guard let publicKey = recoverPublicKey(hash: hash, r: r, s: s, recoveryId: recoveryId)
    else { return nil }
    let digest = Keccak256.hash(publicKey)
    return Address(bytes: digest.bytes)
  }

  /// A recoverable signature of `hash` by the 32-byte secret key
  /// `privateKey` (RFC 6979 nonce, low s), or `nil` for an invalid key.
  /// For tests, tools and benchmarks that need to produce signed data.
  public static func sign(hash: Bytes32, privateKey: [UInt8]) -> (
    r: UInt256, s: UInt256, recoveryId: Int
  )? {
    guard privateKey.count == 32 else { return nil }
    let message = hash.bytes
    var signature = secp256k1_ecdsa_recoverable_signature()
    guard
      secp256k1_ecdsa_sign_recoverable(context, &signature, message, privateKey, nil, nil) == 1
    else { return nil }
    var compact = [UInt8](repeating: 0, count: 64)
    var recoveryId: Int32 = 0
    _ = secp256k1_ecdsa_recoverable_signature_serialize_compact(
      context, &compact, &recoveryId, &signature)
    return (
      UInt256(bigEndian: compact[0..<32]), UInt256(bigEndian: compact[32..<64]), Int(recoveryId)
    )
  }

  /// The address of the 32-byte secret key `privateKey`, or `nil` for an invalid key.
  public static func address(privateKey: [UInt8]) -> Address? {
    guard privateKey.count == 32 else { return nil }
    var publicKey = secp256k1_pubkey()
    guard secp256k1_ec_pubkey_create(context, &publicKey, privateKey) == 1 else { return nil }
    var serialized = [UInt8](repeating: 0, count: 65)
    var length = 65
    _ = secp256k1_ec_pubkey_serialize(
      context, &serialized, &length, &publicKey, UInt32(SECP256K1_EC_UNCOMPRESSED))
    return Address(bytes: Keccak256.hash(serialized[1...]).bytes)
  }
}
