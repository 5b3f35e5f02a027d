import EVMPrimitives

/// The point-evaluation precompile (0x0a, EIP-4844, Cancun): verifies a KZG
/// proof that the blob committed to by `commitment` evaluates to `y` at `z`.
///
/// Input is exactly 192 bytes: `versioned_hash ‖ z ‖ y ‖ commitment ‖ proof`
/// (32, 32, 32, 48, 48 bytes). The versioned hash must be
/// `0x01 ‖ sha256(commitment)[1...]`, `z` and `y` big-endian integers below
/// the BLS modulus r, and commitment and proof compressed G1 points (ZCash
/// encoding) in the order-r subgroup. The check is
/// `e(proof, [τ]₂ - [z]₂) == e(commitment - [y]₁, G2)`.
public enum KZGPointEvaluation {
  /// Gas for every call: 50 000.
  public static let gas: UInt64 = 50000

  /// FIELD_ELEMENTS_PER_BLOB (4096) and BLS_MODULUS as two 32-byte big-endian words.
  public static let successOutput: [UInt8] = {
    var out = [UInt8](repeating: 0, count: 64)
    out[30] = 0x10
    var offset = 32
    for limb in BLS12381.orderLimbs.reversed() {
      for j in 0..<8 { out[offset + j] = UInt8(truncatingIfNeeded: limb >> (56 - 8 * UInt64(j))) }
      offset += 8
    }
    return out
  }()

  /// The precompile: ``successOutput`` when the proof verifies.
  ///
  /// - Throws: ``PrecompileError/invalidInput`` on a wrong length, a
  ///   versioned-hash mismatch, an invalid encoding, or a proof that does not
  ///   verify.
  public static func run(input: [UInt8]) throws(PrecompileError) -> [UInt8] {
    guard input.count == 192 else { throw .invalidInput }
    let commitment = Array(input[96..<144])
    var versioned = SHA256Digest.hash(commitment).bytes
    versioned[0] = 0x01
    guard versioned[...] == input[0..<32] else { throw .invalidInput }
    let ok = try verifyProof(
      commitment: commitment, z: Array(input[32..<64]), y: Array(input[64..<96]),
      proof: Array(input[144..<192]))
    guard ok else { throw .invalidInput }
    return successOutput
  }

  /// `verify_kzg_proof` of the consensus specification: whether `proof`
  /// shows that the polynomial committed to by `commitment` takes the value
  /// `y` at `z`.
  ///
  /// - Throws: ``PrecompileError/invalidInput`` when `z` or `y` is not a
  ///   32-byte integer below r, or `commitment` or `proof` is not a valid
  ///   48-byte compressed G1 point in the subgroup.
  public static func verifyProof(commitment: [UInt8], z: [UInt8], y: [UInt8], proof: [UInt8])
    throws(PrecompileError) -> Bool
  {
    guard let zLimbs = scalar(z), let yLimbs = scalar(y) else { throw .invalidInput }
    let c = try decompressG1(commitment)
    let pi = try decompressG1(proof)
    typealias B = BLS12381
    // e(π, [τ - z]₂) == e(C - [y]₁, G2) rewritten, by bilinearity, with
    // fixed G2 points only: e(C - [y]₁ + [z]π, -G2) · e(π, [τ]₂) == 1. Both
    // G2 points are prepared once, and the scalar multiplications are in G1
    // (with the endomorphism: 128-bit halves).
    let negG1 = -B.G1Point(affine: B.g1Generator)
    let left = (c + B.sumOfG1Multiples([pi, negG1], [zLimbs, yLimbs])).affine
    var pairs: [(p: (x: B.Fp, y: B.Fp), q: PreparedG2<B.Tower>)] = []
    if !(left.x.isZero && left.y.isZero) {
      pairs.append((left, preparedNegG2))
    }
    if !pi.isInfinity {
      pairs.append(((pi.x, pi.y), preparedTauG2))
    }
    return B.pairingProductIsOne(pairs)
  }

  /// -G2, prepared for the Miller loop.
  static let preparedNegG2 = BLS12381.prepare(
    (BLS12381.g2Generator.x, -BLS12381.g2Generator.y))

  /// [τ]₂ of the trusted setup, prepared for the Miller loop.
  static let preparedTauG2 = BLS12381.prepare(BLS12381.kzgTauG2)

  /// [τ]₂ in the 96-byte compressed encoding (as in `trusted_setup.txt`).
  public static var tauG2Compressed: [UInt8] {
    var out = [UInt8](repeating: 0, count: 96)
    BLS12381.kzgTauG2.x.c1.write(to: &out, at: 0, width: 48)
    BLS12381.kzgTauG2.x.c0.write(to: &out, at: 48, width: 48)
    out[0] |= 0x80
    if BLS12381.kzgTauG2.y.isLexicographicallyLargest { out[0] |= 0x20 }
    return out
  }

  /// A 32-byte big-endian integer below r, as four limbs (least significant first).
  private static func scalar(_ bytes: [UInt8]) -> [UInt64]? {
    guard bytes.count == 32 else { return nil }
    let limbs = bytes.withUnsafeBufferPointer { BLS12381.decodeScalar($0, at: 0) }
    let r = BLS12381.orderLimbs
    for i in stride(from: 3, through: 0, by: -1) where limbs[i] != r[i] {
      return limbs[i] < r[i] ? limbs : nil
    }
    return nil
  }

  /// Decodes a 48-byte compressed G1 point (flags in the top three bits:
  /// compressed, infinity, sign) and checks subgroup membership.
  static func decompressG1(_ bytes: [UInt8]) throws(PrecompileError) -> BLS12381.G1Point {
    guard bytes.count == 48, bytes[0] & 0x80 != 0 else { throw .invalidInput }
    if bytes[0] & 0x40 != 0 {
      guard bytes[0] & 0x3f == 0, bytes[1...].allSatisfy({ $0 == 0 }) else { throw .invalidInput }
      return .infinity
    }
    let largest = bytes[0] & 0x20 != 0
    var raw = bytes
    raw[0] &= 0x1f
    let x = raw.withUnsafeBufferPointer { BLS12381.Fp(bigEndian: $0, at: 0, width: 48) }
    guard let x else { throw .invalidInput }
    guard var y = (x.squared() * x + BLS12381.g1B).squareRoot() else { throw .invalidInput }
    if y.isLexicographicallyLargest != largest { y = -y }
    let p = BLS12381.G1Point(x: x, y: y, z: .one)
    guard BLS12381.isInG1Subgroup(p) else { throw .invalidInput }
    return p
  }
}
