import EVMPrimitives

/// The alt_bn128 (BN254) precompiles: point addition (0x06), scalar
/// multiplication (0x07) and the pairing check (0x08), from Byzantium
/// (EIP-196, EIP-197), repriced in Istanbul (EIP-1108).
///
/// Encoding: field elements are 32-byte big-endian integers below
/// p = 0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47.
/// A G1 point is `x ‖ y`; a G2 point is `x_imaginary ‖ x_real ‖ y_imaginary ‖
/// y_real`; all-zero encodes the point at infinity. Short inputs to add and
/// mul are zero-padded, extra bytes ignored.
public enum BN254 {
  /// 0x06: `P1 + P2`, 64-byte output.
  ///
  /// - Throws: ``PrecompileError/invalidInput`` when a coordinate is ≥ p or a
  ///   point is not on the curve.
  public static func add(input: [UInt8]) throws(PrecompileError) -> [UInt8] {
    let padded = zeroPadded(input, to: 128)
    let (p1, p2) = try padded.withUnsafeBufferPointer { (bytes) throws(PrecompileError) in
      (try decodeG1(bytes, at: 0), try decodeG1(bytes, at: 64))
    }
    let sum = G1Point(affine: p1) + G1Point(affine: p2)
    return encodeG1(sum)
  }

  /// 0x07: `k * P` for any 256-bit scalar `k`, 64-byte output.
  ///
  /// - Throws: ``PrecompileError/invalidInput`` when a coordinate is ≥ p or the
  ///   point is not on the curve.
  public static func mul(input: [UInt8]) throws(PrecompileError) -> [UInt8] {
    let padded = zeroPadded(input, to: 96)
    let point = try padded.withUnsafeBufferPointer { (bytes) throws(PrecompileError) in
      try decodeG1(bytes, at: 0)
    }
    func word(_ i: Int) -> UInt64 {
      var w: UInt64 = 0
      for j in 0..<8 { w = w << 8 | UInt64(padded[64 + 8 * i + j]) }
      return w
    }
    let scalar = [word(3), word(2), word(1), word(0)]
    return encodeG1(G1Point(affine: point).multiplied(by: scalar))
  }

  /// 0x08: whether `∏ e(P_i, Q_i) == 1` over the 192-byte pairs of `input`
  /// (64-byte G1 point, then 128-byte G2 point); 32-byte output ending in 1 or
  /// 0. Empty input yields 1.
  ///
  /// - Throws: ``PrecompileError/invalidInput`` when the length is not a
  ///   multiple of 192, a coordinate is ≥ p, a point is off its curve, or a G2
  ///   point is outside the order-r subgroup.
  public static func pairingCheck(input: [UInt8]) throws(PrecompileError) -> [UInt8] {
    guard input.count % 192 == 0 else { throw .invalidInput }
    var pairs: [(p: (x: Fp, y: Fp), q: PreparedG2<Tower>)] = []
    pairs.reserveCapacity(input.count / 192)
    try input.withUnsafeBufferPointer { (bytes) throws(PrecompileError) in
      for offset in stride(from: 0, to: bytes.count, by: 192) {
        let p = try decodeG1(bytes, at: offset)
        let q = try decodeG2(bytes, at: offset + 64)
        // G1 has cofactor 1: every point on the curve is in the subgroup.
        if q.x.isZero && q.y.isZero { continue }
        // The Miller loop's lines come with its last point, which is all
        // the G2 subgroup test needs.
        let (lines, end) = prepare(q)
        guard isInG2Subgroup(q, millerLoopEnd: end) else { throw .invalidInput }
        if !(p.x.isZero && p.y.isZero) { pairs.append((p, lines)) }
      }
    }
    var out = [UInt8](repeating: 0, count: 32)
    if pairingProductIsOne(pairs) { out[31] = 1 }
    return out
  }

  /// Gas for 0x06: 500 before Istanbul, 150 from Istanbul (EIP-1108).
  public static func addGas(fork: Fork) -> UInt64 { fork >= .istanbul ? 150 : 500 }

  /// Gas for 0x07: 40 000 before Istanbul, 6 000 from Istanbul (EIP-1108).
  public static func mulGas(fork: Fork) -> UInt64 { fork >= .istanbul ? 6000 : 40000 }

  /// Gas for 0x08 with `pairs = input.count / 192` (rounded down, as the spec
  /// charges before checking the length): 100 000 + 80 000 per pair before
  /// Istanbul, 45 000 + 34 000 per pair from Istanbul (EIP-1108).
  public static func pairingGas(pairs: Int, fork: Fork) -> UInt64 {
    let (base, perPair): (UInt64, UInt64) = fork >= .istanbul ? (45000, 34000) : (100_000, 80000)
    let (product, overflow) = UInt64(max(pairs, 0)).multipliedReportingOverflow(by: perPair)
    if overflow { return .max }
    let (sum, overflow2) = product.addingReportingOverflow(base)
    return overflow2 ? .max : sum
  }

  // MARK: - Helpers

  private static func zeroPadded(_ input: [UInt8], to count: Int) -> [UInt8] {
    if input.count == count { return input }
    if input.count > count { return Array(input[0..<count]) }
    return input + [UInt8](repeating: 0, count: count - input.count)
  }

  private static func encodeG1(_ point: G1Point) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: 64)
    if point.isInfinity { return out }
    let (x, y) = point.affine
    x.write(to: &out, at: 0, width: 32)
    y.write(to: &out, at: 32, width: 32)
    return out
  }
}
