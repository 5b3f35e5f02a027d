import EVMPrimitives

/// The BLS12-381 precompiles of EIP-2537 (Prague): G1ADD (0x0b), G1MSM
/// (0x0c), G2ADD (0x0d), G2MSM (0x0e), PAIRING_CHECK (0x0f), MAP_FP_TO_G1
/// (0x10) and MAP_FP2_TO_G2 (0x11).
///
/// Encoding: a base-field element is 64 bytes big-endian, the top 16 bytes
/// zero, the value below p. An Fp2 element `c0 + c1 u` is `c0 ‖ c1`. A G1
/// point is `x ‖ y` (128 bytes), a G2 point `x ‖ y` over Fp2 (256 bytes);
/// all zeros is the point at infinity. Scalars are 32-byte big-endian
/// integers, not reduced. Addition checks only that points are on their
/// curves; MSM and pairing also require the order-r subgroup.
public enum BLS12381 {
  /// 0x0b: `P1 + P2` for 256 bytes of input; 128-byte output.
  ///
  /// - Throws: ``PrecompileError/invalidInput`` on a wrong length, a
  ///   coordinate ≥ p (or non-zero top bytes), or a point off the curve.
  public static func g1Add(input: [UInt8]) throws(PrecompileError) -> [UInt8] {
    guard input.count == 256 else { throw .invalidInput }
    let (a, b) = try input.withUnsafeBufferPointer { (bytes) throws(PrecompileError) in
      (try decodeG1(bytes, at: 0), try decodeG1(bytes, at: 128))
    }
    return encodeG1(a + b)
  }

  /// 0x0d: `Q1 + Q2` for 512 bytes of input; 256-byte output.
  ///
  /// - Throws: ``PrecompileError/invalidInput`` as for ``g1Add(input:)``.
  public static func g2Add(input: [UInt8]) throws(PrecompileError) -> [UInt8] {
    guard input.count == 512 else { throw .invalidInput }
    let (a, b) = try input.withUnsafeBufferPointer { (bytes) throws(PrecompileError) in
      (try decodeG2(bytes, at: 0), try decodeG2(bytes, at: 256))
    }
    return encodeG2(a + b)
  }

  /// 0x0c: `Σ k_i P_i` over 160-byte (point, scalar) pairs; 128-byte output.
  ///
  /// - Throws: ``PrecompileError/invalidInput`` on an empty input or a length
  ///   not a multiple of 160, an invalid encoding, or a point outside G1.
  public static func g1MSM(input: [UInt8]) throws(PrecompileError) -> [UInt8] {
    guard !input.isEmpty, input.count % 160 == 0 else { throw .invalidInput }
    var points: [(x: Fp, y: Fp)] = []
    var scalars: [[UInt64]] = []
    try input.withUnsafeBufferPointer { (bytes) throws(PrecompileError) in
      for offset in stride(from: 0, to: bytes.count, by: 160) {
        let p = try decodeG1(bytes, at: offset)
        guard isInG1Subgroup(p) else { throw .invalidInput }
        let k = decodeScalar(bytes, at: offset + 128)
        if p.isInfinity || k.allSatisfy({ $0 == 0 }) { continue }
        points.append((p.x, p.y))
        scalars.append(k)
      }
    }
    return encodeG1(multiScalarMultiply(points, scalars))
  }

  /// 0x0e: `Σ k_i Q_i` over 288-byte (point, scalar) pairs; 256-byte output.
  ///
  /// - Throws: ``PrecompileError/invalidInput`` on an empty input or a length
  ///   not a multiple of 288, an invalid encoding, or a point outside G2.
  public static func g2MSM(input: [UInt8]) throws(PrecompileError) -> [UInt8] {
    guard !input.isEmpty, input.count % 288 == 0 else { throw .invalidInput }
    var points: [(x: Fp2, y: Fp2)] = []
    var scalars: [[UInt64]] = []
    try input.withUnsafeBufferPointer { (bytes) throws(PrecompileError) in
      for offset in stride(from: 0, to: bytes.count, by: 288) {
        let q = try decodeG2(bytes, at: offset)
        guard isInG2Subgroup(q) else { throw .invalidInput }
        let k = decodeScalar(bytes, at: offset + 256)
        if q.isInfinity || k.allSatisfy({ $0 == 0 }) { continue }
        points.append((q.x, q.y))
        scalars.append(k)
      }
    }
    return encodeG2(multiScalarMultiply(points, scalars))
  }

  /// 0x0f: whether `∏ e(P_i, Q_i) == 1` over 384-byte (G1, G2) pairs;
  /// 32-byte output ending in 1 or 0.
  ///
  /// - Throws: ``PrecompileError/invalidInput`` on an empty input or a length
  ///   not a multiple of 384, an invalid encoding, or a point outside its
  ///   subgroup.
  public static func pairingCheck(input: [UInt8]) throws(PrecompileError) -> [UInt8] {
    guard !input.isEmpty, input.count % 384 == 0 else { throw .invalidInput }
    var pairs: [(p: (x: Fp, y: Fp), q: PreparedG2<Tower>)] = []
    try input.withUnsafeBufferPointer { (bytes) throws(PrecompileError) in
      for offset in stride(from: 0, to: bytes.count, by: 384) {
        let p = try decodeG1(bytes, at: offset)
        guard isInG1Subgroup(p) else { throw .invalidInput }
        let q = try decodeG2(bytes, at: offset + 128)
        if q.isInfinity { continue }
        // The Miller loop's lines come with its last point, [|x|] Q, which
        // is all the G2 subgroup test needs.
        let (lines, end) = MillerLoop<Tower>.prepare((q.x, q.y), digits: absXDigits)
        guard isInG2Subgroup(q, absXMultiple: end.jacobian) else { throw .invalidInput }
        if !p.isInfinity { pairs.append(((p.x, p.y), PreparedG2(lines: lines))) }
      }
    }
    var out = [UInt8](repeating: 0, count: 32)
    if pairingProductIsOne(pairs) { out[31] = 1 }
    return out
  }

  /// 0x10: maps a 64-byte field element to G1; 128-byte output.
  ///
  /// - Throws: ``PrecompileError/invalidInput`` on a wrong length or an
  ///   element ≥ p.
  public static func mapFpToG1(input: [UInt8]) throws(PrecompileError) -> [UInt8] {
    guard input.count == 64 else { throw .invalidInput }
    let u = input.withUnsafeBufferPointer { Fp(bigEndian: $0, at: 0, width: 64) }
    guard let u else { throw .invalidInput }
    return encodeG1(mapToG1(u))
  }

  /// 0x11: maps a 128-byte Fp2 element to G2; 256-byte output.
  ///
  /// - Throws: ``PrecompileError/invalidInput`` on a wrong length or a
  ///   coefficient ≥ p.
  public static func mapFp2ToG2(input: [UInt8]) throws(PrecompileError) -> [UInt8] {
    guard input.count == 128 else { throw .invalidInput }
    let u = input.withUnsafeBufferPointer { decodeFp2($0, at: 0) }
    guard let u else { throw .invalidInput }
    return encodeG2(mapToG2(u))
  }

  // MARK: - Gas (EIP-2537 final)

  /// G1ADD: 375.
  public static let g1AddGas: UInt64 = 375
  /// G2ADD: 600.
  public static let g2AddGas: UInt64 = 600
  /// MAP_FP_TO_G1: 5 500.
  public static let mapFpToG1Gas: UInt64 = 5500
  /// MAP_FP2_TO_G2: 23 800.
  public static let mapFp2ToG2Gas: UInt64 = 23800
  /// The per-point multiplication costs the MSM prices start from.
  public static let g1MulGas: UInt64 = 12000
  /// See ``g1MulGas``.
  public static let g2MulGas: UInt64 = 22500

  /// G1MSM for `k` pairs: `k · 12000 · discount(k) / 1000`.
  public static func g1MSMGas(pairs k: Int) -> UInt64 {
    msmGas(pairs: k, mul: g1MulGas, table: g1Discounts, maxDiscount: 519)
  }

  /// G2MSM for `k` pairs: `k · 22500 · discount(k) / 1000`.
  public static func g2MSMGas(pairs k: Int) -> UInt64 {
    msmGas(pairs: k, mul: g2MulGas, table: g2Discounts, maxDiscount: 524)
  }

  /// PAIRING_CHECK for `k` pairs: `32600 k + 37700`.
  public static func pairingGas(pairs k: Int) -> UInt64 {
    let (product, overflow) = UInt64(max(k, 0)).multipliedReportingOverflow(by: 32600)
    if overflow { return .max }
    let (sum, overflow2) = product.addingReportingOverflow(37700)
    return overflow2 ? .max : sum
  }

  private static func msmGas(pairs k: Int, mul: UInt64, table: [UInt64], maxDiscount: UInt64)
    -> UInt64
  {
    if k <= 0 { return 0 }
    let discount = k <= table.count ? table[k - 1] : maxDiscount
    let (a, o1) = UInt64(k).multipliedReportingOverflow(by: mul)
    let (b, o2) = a.multipliedReportingOverflow(by: discount)
    if o1 || o2 { return .max }
    return b / 1000
  }

  /// The EIP's discount table for G1MSM (per mille, k = 1...128).
  static let g1Discounts: [UInt64] = [
    1000, 949, 848, 797, 764, 750, 738, 728, 719, 712, 705, 698, 692, 687, 682, 677,
    673, 669, 665, 661, 658, 654, 651, 648, 645, 642, 640, 637, 635, 632, 630, 627,
    625, 623, 621, 619, 617, 615, 613, 611, 609, 608, 606, 604, 603, 601, 599, 598,
    596, 595, 593, 592, 591, 589, 588, 586, 585, 584, 582, 581, 580, 579, 577, 576,
    575, 574, 573, 572, 570, 569, 568, 567, 566, 565, 564, 563, 562, 561, 560, 559,
    558, 557, 556, 555, 554, 553, 552, 551, 550, 549, 548, 547, 547, 546, 545, 544,
    543, 542, 541, 540, 540, 539, 538, 537, 536, 536, 535, 534, 533, 532, 532, 531,
    530, 529, 528, 528, 527, 526, 525, 525, 524, 523, 522, 522, 521, 520, 520, 519,
  ]
  /// The EIP's discount table for G2MSM (per mille, k = 1...128).
  static let g2Discounts: [UInt64] = [
    1000, 1000, 923, 884, 855, 832, 812, 796, 782, 770, 759, 749, 740, 732, 724, 717,
    711, 704, 699, 693, 688, 683, 679, 674, 670, 666, 663, 659, 655, 652, 649, 646,
    643, 640, 637, 634, 632, 629, 627, 624, 622, 620, 618, 615, 613, 611, 609, 607,
    606, 604, 602, 600, 598, 597, 595, 593, 592, 590, 589, 587, 586, 584, 583, 582,
    580, 579, 578, 576, 575, 574, 573, 571, 570, 569, 568, 567, 566, 565, 563, 562,
    561, 560, 559, 558, 557, 556, 555, 554, 553, 552, 552, 551, 550, 549, 548, 547,
    546, 545, 545, 544, 543, 542, 541, 541, 540, 539, 538, 537, 537, 536, 535, 535,
    534, 533, 532, 532, 531, 530, 530, 529, 528, 528, 527, 526, 526, 525, 524, 524,
  ]
}
