// Signed-digit expansions of scalars and exponents: fewer nonzero digits
// mean fewer additions in scalar multiplication, fewer products in
// exponentiation and fewer addition steps in the Miller loop.

/// The non-adjacent form of a positive `k` (digits 0 and ±1, no two
/// nonzero digits adjacent), most significant digit first, without the
/// leading 1.
func nonAdjacentForm(_ k: UInt128) -> [Int8] { windowedNonAdjacentForm(k, width: 2) }

/// The width-`width` non-adjacent form of the integer with the given limbs
/// (least significant first): odd digits below `2^(width-1)` in magnitude,
/// at most one nonzero in any `width` consecutive positions; least
/// significant digit first, no trailing zeros.
func signedWindowDigits(_ limbs: [UInt64], width: Int) -> [Int8] {
  var k = limbs + [0]
  var digits: [Int8] = []
  let window = UInt64(1) << UInt64(width)
  while k.contains(where: { $0 != 0 }) {
    var d: Int64 = 0
    if k[0] & 1 == 1 {
      d = Int64(k[0] & (window - 1))
      if d >= Int64(window / 2) { d -= Int64(window) }
      // k -= d, with the borrow or carry rippling up.
      if d > 0 {
        var borrow: UInt64 = 0
        k[0] = subb(k[0], UInt64(d), &borrow)
        for i in 1..<k.count { k[i] = subb(k[i], 0, &borrow) }
      } else {
        var carry: UInt64 = 0
        k[0] = addc(k[0], UInt64(-d), &carry)
        for i in 1..<k.count { k[i] = addc(k[i], 0, &carry) }
      }
    }
    digits.append(Int8(d))
    for i in 0..<k.count { k[i] = k[i] >> 1 | (i + 1 < k.count ? k[i + 1] << 63 : 0) }
  }
  return digits
}

/// The width-`width` non-adjacent form of a positive `k`, most significant
/// digit first, without the leading 1 (a leading digit d > 1 is split into
/// 2^j at j positions higher and d - 2^j, so the form may then have two
/// nonzero digits close together at the top).
func windowedNonAdjacentForm(_ k: UInt128, width: Int) -> [Int8] {
  var digits = signedWindowDigits(
    [UInt64(truncatingIfNeeded: k), UInt64(truncatingIfNeeded: k >> 64)], width: width)
  if let top = digits.last, top > 1 {
    let j = Int8.bitWidth - 1 - top.leadingZeroBitCount
    digits[digits.count - 1] = top - (1 << j)
    digits += [Int8](repeating: 0, count: j - 1) + [1]
  }
  return Array(digits.reversed().dropFirst())
}

/// The binary digits of `k`, most significant first, without the leading 1.
func binaryDigits(_ k: UInt64) -> [Int8] {
  let top = 63 - k.leadingZeroBitCount
  return stride(from: top - 1, through: 0, by: -1).map { Int8((k >> UInt64($0)) & 1) }
}
