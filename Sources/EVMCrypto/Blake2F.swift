/// The BLAKE2b `F` compression function precompile (address 0x09, EIP-152,
/// from Istanbul).
///
/// Input (exactly 213 bytes): `rounds` (4 bytes, big-endian), `h` (8 words),
/// `m` (16 words), `t` (2 words), all words 8 bytes little-endian, and the
/// final-block flag `f` (1 byte, 0 or 1). Output: the 64-byte state `h`.
public enum Blake2F {
  /// The only accepted input length.
  public static let inputLength = 213

  /// Gas for `input`: one per round (`GAS_BLAKE2_PER_ROUND`). Returns 0 when the
  /// length is not 213 bytes: the spec rejects such input before charging, and
  /// ``run(input:)`` throws for it.
  public static func gas(input: [UInt8]) -> UInt64 {
    guard input.count == inputLength else { return 0 }
    return UInt64(input[0]) << 24 | UInt64(input[1]) << 16 | UInt64(input[2]) << 8
      | UInt64(input[3])
  }

  /// Runs the compression function.
  ///
  /// - Throws: ``PrecompileError/invalidInput`` when the input is not 213
  ///   bytes long or the final flag is neither 0 nor 1.
  public static func run(input: [UInt8]) throws(PrecompileError) -> [UInt8] {
    guard input.count == inputLength else { throw .invalidInput }
    let flag = input[212]
    guard flag <= 1 else { throw .invalidInput }
    let rounds = UInt32(truncatingIfNeeded: gas(input: input))
    var out = [UInt8](repeating: 0, count: 64)
    // h (8 words) and m (16 words) on the stack.
    withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 24) { words in
      input.withUnsafeBufferPointer { bytes in
        for i in 0..<24 { words[i] = readLE(bytes, 4 + 8 * i) }
        let h = UnsafeMutableBufferPointer(rebasing: words[0..<8])
        let m = UnsafeBufferPointer(rebasing: words[8..<24])
        compress(
          rounds: rounds, h: h, m: m, t0: readLE(bytes, 196), t1: readLE(bytes, 204),
          final: flag == 1)
      }
      for i in 0..<8 {
        let word = words[i]
        for j in 0..<8 { out[8 * i + j] = UInt8(truncatingIfNeeded: word >> (8 * UInt64(j))) }
      }
    }
    return out
  }

  @inline(__always)
  private static func readLE(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: Int) -> UInt64 {
    var value: UInt64 = 0
    for j in 0..<8 { value |= UInt64(bytes[offset + j]) << (8 * UInt64(j)) }
    return value
  }

  private static let iv: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (
    0x6a09_e667_f3bc_c908, 0xbb67_ae85_84ca_a73b, 0x3c6e_f372_fe94_f82b, 0xa54f_f53a_5f1d_36f1,
    0x510e_527f_ade6_82d1, 0x9b05_688c_2b3e_6c1f, 0x1f83_d9ab_fb41_bd6b, 0x5be0_cd19_137e_2179
  )

  /// The ten message schedules, flattened (round `r` uses row `r % 10`).
  private static let sigma: [UInt8] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
    14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3,
    11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4,
    7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8,
    9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13,
    2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9,
    12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11,
    13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10,
    6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5,
    10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0,
  ]

  @inline(__always)
  private static func rotr(_ x: UInt64, _ n: UInt64) -> UInt64 { (x >> n) | (x << (64 &- n)) }

  /// RFC 7693 section 3.2 compression with a caller-chosen number of rounds;
  /// updates `h` in place.
  static func compress(
    rounds: UInt32, h: UnsafeMutableBufferPointer<UInt64>, m: UnsafeBufferPointer<UInt64>,
    t0: UInt64, t1: UInt64, final: Bool
  ) {
    var v0 = h[0]
    var v1 = h[1]
    var v2 = h[2]
    var v3 = h[3]
    var v4 = h[4]
    var v5 = h[5]
    var v6 = h[6]
    var v7 = h[7]
    var v8 = iv.0
    var v9 = iv.1
    var v10 = iv.2
    var v11 = iv.3
    var v12 = iv.4 ^ t0
    var v13 = iv.5 ^ t1
    var v14 = final ? ~iv.6 : iv.6
    var v15 = iv.7

    @inline(__always)
    func g(
      _ a: inout UInt64, _ b: inout UInt64, _ c: inout UInt64, _ d: inout UInt64, _ x: UInt64,
      _ y: UInt64
    ) {
      a = a &+ b &+ x
      d = rotr(d ^ a, 32)
      c = c &+ d
      b = rotr(b ^ c, 24)
      a = a &+ b &+ y
      d = rotr(d ^ a, 16)
      c = c &+ d
      b = rotr(b ^ c, 63)
    }

    sigma.withUnsafeBufferPointer { sig in
      var row = 0
      for _ in 0..<rounds {
        let s = sig.baseAddress! + row * 16
        g(&v0, &v4, &v8, &v12, m[Int(s[0])], m[Int(s[1])])
        g(&v1, &v5, &v9, &v13, m[Int(s[2])], m[Int(s[3])])
        g(&v2, &v6, &v10, &v14, m[Int(s[4])], m[Int(s[5])])
        g(&v3, &v7, &v11, &v15, m[Int(s[6])], m[Int(s[7])])
        g(&v0, &v5, &v10, &v15, m[Int(s[8])], m[Int(s[9])])
        g(&v1, &v6, &v11, &v12, m[Int(s[10])], m[Int(s[11])])
        g(&v2, &v7, &v8, &v13, m[Int(s[12])], m[Int(s[13])])
        g(&v3, &v4, &v9, &v14, m[Int(s[14])], m[Int(s[15])])
        row = row == 9 ? 0 : row + 1
      }
    }
    h[0] ^= v0 ^ v8
    h[1] ^= v1 ^ v9
    h[2] ^= v2 ^ v10
    h[3] ^= v3 ^ v11
    h[4] ^= v4 ^ v12
    h[5] ^= v5 ^ v13
    h[6] ^= v6 ^ v14
    h[7] ^= v7 ^ v15
  }
}
