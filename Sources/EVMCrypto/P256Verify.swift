import COpenSSL

/// The `P256VERIFY` precompile (0x100, EIP-7951, from Osaka): ECDSA
/// verification over secp256r1 (NIST P-256) of a caller-supplied 32-byte
/// message hash (no re-hashing).
///
/// Input is exactly 160 bytes: `h ‖ r ‖ s ‖ qx ‖ qy`, each a 32-byte
/// big-endian integer. The output is the 32-byte word 1 for a valid
/// signature and empty for anything else; the precompile never fails, it
/// always charges ``gas``.
///
/// Verification follows the EIP's algorithm with OpenSSL's group arithmetic:
/// `R' = (h s⁻¹) G + (r s⁻¹) Q`, valid when `R'` is finite and
/// `R'.x ≡ r (mod n)`. The group object is created once and only read
/// afterwards (OpenSSL allows concurrent use of a shared `EC_GROUP` by its
/// `const` functions), so calls are safe from any thread.
public enum P256Verify {
  /// Gas for every call, valid or not (EIP-7951 final: 6 900).
  public static let gas: UInt64 = 6900

  /// The precompile output for `input`: 32 bytes ending in 1 when the
  /// signature verifies, empty otherwise.
  public static func run(input: [UInt8]) -> [UInt8] {
    guard verify(input: input) else { return [] }
    var out = [UInt8](repeating: 0, count: 32)
    out[31] = 1
    return out
  }

  /// Whether `input` (160 bytes: hash, r, s, qx, qy) passes every check of
  /// EIP-7951: `0 < r, s < n`, `qx, qy < p`, Q on the curve and not (0, 0),
  /// and the ECDSA equation.
  public static func verify(input: [UInt8]) -> Bool {
    guard input.count == 160, let group = group.pointer else { return false }
    guard let ctx = BN_CTX_new() else { return false }
    defer { BN_CTX_free(ctx) }
    BN_CTX_start(ctx)
    defer { BN_CTX_end(ctx) }
    guard let h = BN_CTX_get(ctx), let r = BN_CTX_get(ctx), let s = BN_CTX_get(ctx),
      let qx = BN_CTX_get(ctx), let qy = BN_CTX_get(ctx), let n = BN_CTX_get(ctx),
      let p = BN_CTX_get(ctx), let sInv = BN_CTX_get(ctx), let u1 = BN_CTX_get(ctx),
      let u2 = BN_CTX_get(ctx), let rx = BN_CTX_get(ctx), let ry = BN_CTX_get(ctx)
    else { return false }
    let ok = input.withUnsafeBufferPointer { bytes -> Bool in
      let base = bytes.baseAddress!
      return BN_bin2bn(base, 32, h) != nil && BN_bin2bn(base + 32, 32, r) != nil
        && BN_bin2bn(base + 64, 32, s) != nil && BN_bin2bn(base + 96, 32, qx) != nil
        && BN_bin2bn(base + 128, 32, qy) != nil
    }
    guard ok, EC_GROUP_get_order(group, n, ctx) == 1,
      EC_GROUP_get_curve(group, p, nil, nil, ctx) == 1
    else { return false }
    // 0 < r < n, 0 < s < n.
    guard BN_is_zero(r) == 0, BN_cmp(r, n) < 0, BN_is_zero(s) == 0, BN_cmp(s, n) < 0 else {
      return false
    }
    // Coordinates below p, not (0, 0), on the curve.
    guard BN_cmp(qx, p) < 0, BN_cmp(qy, p) < 0 else { return false }
    guard BN_is_zero(qx) == 0 || BN_is_zero(qy) == 0 else { return false }
    guard let q = EC_POINT_new(group), let rPoint = EC_POINT_new(group) else { return false }
    defer {
      EC_POINT_free(q)
      EC_POINT_free(rPoint)
    }
    guard EC_POINT_set_affine_coordinates(group, q, qx, qy, ctx) == 1,
      EC_POINT_is_on_curve(group, q, ctx) == 1
    else { return false }
    // u1 = h / s, u2 = r / s (mod n); R' = u1 G + u2 Q.
    guard BN_mod_inverse(sInv, s, n, ctx) != nil, BN_mod_mul(u1, h, sInv, n, ctx) == 1,
      BN_mod_mul(u2, r, sInv, n, ctx) == 1,
      EC_POINT_mul(group, rPoint, u1, q, u2, ctx) == 1
    else { return false }
    guard EC_POINT_is_at_infinity(group, rPoint) == 0,
      EC_POINT_get_affine_coordinates(group, rPoint, rx, ry, ctx) == 1,
      BN_nnmod(rx, rx, n, ctx) == 1
    else { return false }
    return BN_cmp(rx, r) == 0
  }

  /// The P-256 group, created once and shared read-only.
  private final class Group: @unchecked Sendable {
    let pointer: OpaquePointer?
    init() { pointer = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1) }
  }

  private static let group = Group()
}
