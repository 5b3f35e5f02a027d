import COpenSSL
import EVMPrimitives

/// The MODEXP precompile (address 0x05, EIP-198 from Byzantium): arbitrary
/// precision `base ** exp % mod`.
///
/// Input: three 32-byte big-endian lengths (`baseLen`, `expLen`, `modLen`),
/// then `base`, `exp` and `mod` of those lengths; reads past the end of the
/// input see zeros. Output: `modLen` bytes.
///
/// Pricing: Byzantium (EIP-198), Berlin (EIP-2565) and Osaka (EIP-7883, plus
/// the EIP-7823 1024-byte limit per length field, see ``isWithinLimits(input:fork:)``).
public enum ModExp {
  /// EIP-7823's upper bound on each length field, from Osaka.
  public static let maxLengthOsaka = 1024

  /// Gas for `input` under `fork`'s rules, saturating at `UInt64.max`.
  ///
  /// Forks before Byzantium have no MODEXP; they get the Byzantium formula.
  /// The caller checks ``isWithinLimits(input:fork:)`` first from Osaka.
  public static func gas(input: [UInt8], fork: Fork) -> UInt64 {
    let baseLen = lengthField(input, 0)
    let expLen = lengthField(input, 32)
    let modLen = lengthField(input, 64)
    let maxLen = Swift.max(baseLen, modLen)
    let headBits = exponentHeadBitLength(input: input, baseLen: baseLen, expLen: expLen)
    let headMinusOne = UInt128(headBits == 0 ? 0 : headBits - 1)

    if fork >= .osaka {
      // EIP-7883.
      let complexity: UInt128 =
        maxLen <= 32 ? 16 : satMul(2, satSquare(satAdd(maxLen, 7) / 8))
      let iterations = iterationCount(
        expLen: expLen, headBits: headBits, headMinusOne: headMinusOne, multiplier: 16)
      return clamp(Swift.max(500, satMul(complexity, iterations)))
    } else if fork >= .berlin {
      // EIP-2565.
      let words = maxLen == .max ? UInt128.max : (maxLen + 7) / 8
      let complexity = satSquare(words)
      let iterations = iterationCount(
        expLen: expLen, headBits: headBits, headMinusOne: headMinusOne, multiplier: 8)
      let cost = satMul(complexity, iterations)
      return clamp(Swift.max(200, cost == .max ? cost : cost / 3))
    } else {
      // EIP-198.
      let complexity: UInt128
      if maxLen <= 64 {
        complexity = maxLen * maxLen
      } else if maxLen <= 1024 {
        complexity = maxLen * maxLen / 4 + 96 * maxLen - 3072
      } else {
        let square = satSquare(maxLen)
        complexity =
          square == .max ? .max : satAdd(square / 16, satMul(480, maxLen)) - 199_680
      }
      let iterations: UInt128
      if expLen < 32 {
        iterations = Swift.max(headMinusOne, 1)
      } else {
        iterations = Swift.max(satAdd(satMul(8, expLen - 32), headMinusOne), 1)
      }
      let cost = satMul(complexity, iterations)
      return clamp(cost == .max ? cost : cost / 20)
    }
  }

  /// EIP-7823 (from Osaka): `false` when any of the three length fields
  /// exceeds 1024 bytes, in which case the call halts exceptionally. Always
  /// `true` before Osaka.
  public static func isWithinLimits(input: [UInt8], fork: Fork) -> Bool {
    guard fork >= .osaka else { return true }
    let limit = UInt128(maxLengthOsaka)
    return lengthField(input, 0) <= limit && lengthField(input, 32) <= limit
      && lengthField(input, 64) <= limit
  }

  /// Computes `base ** exp % mod` and returns it as `modLen` big-endian bytes
  /// (all zeros when `mod` is 0; empty when `baseLen` and `modLen` are both 0).
  ///
  /// Call only after charging ``gas(input:fork:)``: the gas bounds the lengths.
  /// As a guard against misuse, lengths that no gas limit could pay for
  /// (over 2^31 bytes) yield `modLen`-independent empty output.
  public static func run(input: [UInt8]) -> [UInt8] {
    let baseLen128 = lengthField(input, 0)
    let expLen128 = lengthField(input, 32)
    let modLen128 = lengthField(input, 64)
    if baseLen128 == 0 && modLen128 == 0 { return [] }
    let guardLimit = UInt128(Int32.max)
    guard baseLen128 <= guardLimit, expLen128 <= guardLimit, modLen128 <= guardLimit else {
      return []
    }
    let baseLen = Int(baseLen128)
    let expLen = Int(expLen128)
    let modLen = Int(modLen128)
    if modLen == 0 { return [] }

    let modStart = 96 + baseLen + expLen
    let mod = read(input, modStart, modLen)
    if mod.allSatisfy({ $0 == 0 }) { return [UInt8](repeating: 0, count: modLen) }
    let base = read(input, 96, baseLen)
    let exp = read(input, 96 + baseLen, expLen)

    guard let ctx = BN_CTX_new() else { return [UInt8](repeating: 0, count: modLen) }
    defer { BN_CTX_free(ctx) }
    let b = BN_bin2bn(base, Int32(baseLen), nil)
    let e = BN_bin2bn(exp, Int32(expLen), nil)
    let m = BN_bin2bn(mod, Int32(modLen), nil)
    let r = BN_new()
    defer {
      BN_free(b)
      BN_free(e)
      BN_free(m)
      BN_free(r)
    }
    var out = [UInt8](repeating: 0, count: modLen)
    guard let b, let e, let m, let r else { return out }
    guard BN_nnmod(b, b, m, ctx) == 1, BN_mod_exp(r, b, e, m, ctx) == 1 else { return out }
    _ = out.withUnsafeMutableBufferPointer { BN_bn2binpad(r, $0.baseAddress, Int32(modLen)) }
    return out
  }

  // MARK: - Helpers

  /// `count` bytes of `input` from `start`, zero-padded past its end.
  private static func read(_ input: [UInt8], _ start: Int, _ count: Int) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: count)
    if start < input.count {
      let available = Swift.min(count, input.count - start)
      for i in 0..<available { out[i] = input[start + i] }
    }
    return out
  }

  /// The 32-byte big-endian field at `offset` (zero-padded), saturated to
  /// `UInt128.max` when it does not fit in 128 bits.
  private static func lengthField(_ input: [UInt8], _ offset: Int) -> UInt128 {
    var value: UInt128 = 0
    for i in 0..<32 {
      let index = offset + i
      let byte = index < input.count ? input[index] : 0
      if i < 16 {
        if byte != 0 { return .max }
      } else {
        value = value << 8 | UInt128(byte)
      }
    }
    return value
  }

  /// Bit length of the exponent's head: the first `min(32, expLen)` bytes of
  /// the exponent read as a big-endian integer.
  private static func exponentHeadBitLength(input: [UInt8], baseLen: UInt128, expLen: UInt128)
    -> Int
  {
    let headLen = Int(Swift.min(expLen, 32))
    guard baseLen < UInt128(input.count) else { return 0 }
    let start = 96 + Int(baseLen)
    for i in 0..<headLen {
      let index = start + i
      guard index < input.count else { return 0 }
      let byte = input[index]
      if byte != 0 { return (headLen - i - 1) * 8 + (8 - byte.leadingZeroBitCount) }
    }
    return 0
  }

  /// EIP-2565 / EIP-7883 iteration count.
  private static func iterationCount(
    expLen: UInt128, headBits: Int, headMinusOne: UInt128, multiplier: UInt128
  ) -> UInt128 {
    let count: UInt128
    if expLen <= 32 {
      count = headBits == 0 ? 0 : headMinusOne
    } else {
      count = satAdd(satMul(multiplier, expLen - 32), headMinusOne)
    }
    return Swift.max(count, 1)
  }

  // Saturating arithmetic: `UInt128.max` stands for "at least 2^128 - 1",
  // which is beyond any gas figure even after the divisions by 3 or 20.
  @inline(__always)
  private static func satMul(_ a: UInt128, _ b: UInt128) -> UInt128 {
    if a == 0 || b == 0 { return 0 }
    if a == .max || b == .max { return .max }
    let (product, overflow) = a.multipliedReportingOverflow(by: b)
    return overflow ? .max : product
  }

  @inline(__always)
  private static func satSquare(_ a: UInt128) -> UInt128 { satMul(a, a) }

  @inline(__always)
  private static func satAdd(_ a: UInt128, _ b: UInt128) -> UInt128 {
    let (sum, overflow) = a.addingReportingOverflow(b)
    return overflow ? .max : sum
  }

  @inline(__always)
  private static func clamp(_ value: UInt128) -> UInt64 {
    value > UInt128(UInt64.max) ? .max : UInt64(value)
  }
}
