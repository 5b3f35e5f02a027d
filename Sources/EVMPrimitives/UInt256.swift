/// An unsigned 256-bit integer: the EVM word.
///
/// Four 64-bit limbs, least significant first (`w0` holds bits 0–63). A plain
/// value type with no heap storage, so words move through the interpreter's
/// stack as four machine registers. Arithmetic wraps modulo 2^256 as the EVM
/// requires; the operators live in `UInt256+*.swift` files by family.
@frozen
public struct UInt256: Hashable, Sendable {
  public var w0: UInt64
  public var w1: UInt64
  public var w2: UInt64
  public var w3: UInt64

  @inlinable @inline(__always)
  public init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
    self.w0 = w0
    self.w1 = w1
    self.w2 = w2
    self.w3 = w3
  }

  @inlinable @inline(__always)
  public init(_ value: UInt64) {
    self.init(w0: value, w1: 0, w2: 0, w3: 0)
  }

  @inlinable @inline(__always)
  public init(_ value: Int) {
    precondition(value >= 0, "UInt256 from a negative Int")
    self.init(w0: UInt64(value), w1: 0, w2: 0, w3: 0)
  }

  /// One combine of a mixed word instead of four.
  @inlinable
  public func hash(into hasher: inout Hasher) {
    hasher.combine(
      w0 ^ (w1 &* 0x9E37_79B9_7F4A_7C15) ^ (w2 &* 0xBF58_476D_1CE4_E5B9)
        ^ (w3 &* 0x94D0_49BB_1331_11EB))
  }

  public static let zero = UInt256(w0: 0, w1: 0, w2: 0, w3: 0)
  public static let one = UInt256(w0: 1, w1: 0, w2: 0, w3: 0)
  public static let max = UInt256(w0: .max, w1: .max, w2: .max, w3: .max)

  @inlinable @inline(__always)
  public var isZero: Bool { (w0 | w1 | w2 | w3) == 0 }

  /// True when the value fits in 64 bits.
  @inlinable @inline(__always)
  public var fitsInUInt64: Bool { (w1 | w2 | w3) == 0 }

  /// The value as an `Int` when it fits in 63 bits, else `nil`.
  @inlinable @inline(__always)
  public var asInt: Int? {
    (w1 | w2 | w3) == 0 && w0 <= UInt64(Int.max) ? Int(w0) : nil
  }

  /// The value clamped to `UInt64.max`; gas and size arguments use this so
  /// that a huge operand becomes an out-of-gas error, not a truncation.
  @inlinable @inline(__always)
  public var clampedToUInt64: UInt64 { (w1 | w2 | w3) == 0 ? w0 : .max }

  /// Limb `i` (0 = least significant).
  @inlinable @inline(__always)
  public subscript(limb i: Int) -> UInt64 {
    get {
      switch i {
      case 0: return w0
      case 1: return w1
      case 2: return w2
      default: return w3
      }
    }
    set {
      switch i {
      case 0: w0 = newValue
      case 1: w1 = newValue
      case 2: w2 = newValue
      default: w3 = newValue
      }
    }
  }
}

extension UInt256: Comparable {
  @inlinable @inline(__always)
  public static func < (a: UInt256, b: UInt256) -> Bool {
    if a.w3 != b.w3 { return a.w3 < b.w3 }
    if a.w2 != b.w2 { return a.w2 < b.w2 }
    if a.w1 != b.w1 { return a.w1 < b.w1 }
    return a.w0 < b.w0
  }
}

extension UInt256: ExpressibleByIntegerLiteral {
  @inlinable @inline(__always)
  public init(integerLiteral value: UInt64) { self.init(value) }
}

// MARK: - Big-endian bytes

extension UInt256 {
  /// Reads up to 32 big-endian bytes (shorter input is left-padded with zeros;
  /// longer input keeps its last 32 bytes).
  @inlinable
  public init<C: Collection>(bigEndian bytes: C) where C.Element == UInt8 {
    if let value = bytes.withContiguousStorageIfAvailable({
      UInt256(bigEndianBytes: UnsafeRawBufferPointer($0))
    }) {
      self = value
    } else {
      self = Array(bytes).withUnsafeBytes { UInt256(bigEndianBytes: $0) }
    }
  }

  /// Reads up to 32 big-endian bytes from `buffer` (shorter input is
  /// left-padded with zeros; longer input keeps its last 32 bytes).
  @inlinable
  public init(bigEndianBytes buffer: UnsafeRawBufferPointer) {
    let n = buffer.count
    guard n > 0, let base = buffer.baseAddress else {
      self.init(w0: 0, w1: 0, w2: 0, w3: 0)
      return
    }
    if n >= 32 {
      self.init(bigEndianPointer: base + (n - 32))
    } else {
      self.init(bigEndianPrefix: base, count: n)
    }
  }

  /// Reads the `count` (0…32) big-endian bytes at `p` with a few unaligned
  /// limb loads; never touches memory outside `p[0..<count]`.
  @inlinable @inline(__always)
  public init(bigEndianPrefix p: UnsafeRawPointer, count n: Int) {
    @inline(__always) func limb(_ end: Int) -> UInt64 {
      // The limb made of the (at most 8) bytes just before `p + end`.
      if end >= 8 {
        return UInt64(bigEndian: p.loadUnaligned(fromByteOffset: end - 8, as: UInt64.self))
      }
      var value: UInt64 = 0
      var i = 0
      while i < end {
        value = value << 8 | UInt64(p.load(fromByteOffset: i, as: UInt8.self))
        i += 1
      }
      return value
    }
    self.init(w0: limb(n), w1: limb(n - 8), w2: limb(n - 16), w3: limb(n - 24))
  }

  /// A PUSH immediate: the `count` (1…32) big-endian bytes at `p`. Reads a
  /// whole 32 bytes at `p` (the interpreter's code is padded for it) and
  /// drops the bytes after the immediate with one shift, so no size loops.
  @inlinable @inline(__always)
  public init(pushImmediate p: UnsafeRawPointer, count n: Int) {
    self = UInt256(bigEndianPointer: p)._shiftedRight((32 - n) &* 8)
  }

  /// Reads 32 big-endian bytes at `pointer`.
  @inlinable @inline(__always)
  public init(bigEndianPointer p: UnsafeRawPointer) {
    self.init(
      w0: UInt64(bigEndian: p.loadUnaligned(fromByteOffset: 24, as: UInt64.self)),
      w1: UInt64(bigEndian: p.loadUnaligned(fromByteOffset: 16, as: UInt64.self)),
      w2: UInt64(bigEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
      w3: UInt64(bigEndian: p.loadUnaligned(fromByteOffset: 0, as: UInt64.self)))
  }

  /// Writes the value as 32 big-endian bytes at `pointer`.
  @inlinable @inline(__always)
  public func storeBigEndian(to p: UnsafeMutableRawPointer) {
    p.storeBytes(of: w3.bigEndian, toByteOffset: 0, as: UInt64.self)
    p.storeBytes(of: w2.bigEndian, toByteOffset: 8, as: UInt64.self)
    p.storeBytes(of: w1.bigEndian, toByteOffset: 16, as: UInt64.self)
    p.storeBytes(of: w0.bigEndian, toByteOffset: 24, as: UInt64.self)
  }

  /// The 32-byte big-endian encoding.
  @inlinable
  public var bigEndianBytes: [UInt8] {
    [UInt8](unsafeUninitializedCapacity: 32) { buffer, count in
      storeBigEndian(to: UnsafeMutableRawPointer(buffer.baseAddress!))
      count = 32
    }
  }

  /// The big-endian encoding without leading zero bytes (empty for zero), as RLP wants.
  @inlinable
  public var minimalBigEndianBytes: [UInt8] {
    let full = bigEndianBytes
    let firstNonZero = full.firstIndex { $0 != 0 } ?? 32
    return Array(full[firstNonZero...])
  }

  /// Number of significant bits (0 for zero).
  @inlinable
  public var bitWidth: Int {
    if w3 != 0 { return 256 - w3.leadingZeroBitCount }
    if w2 != 0 { return 192 - w2.leadingZeroBitCount }
    if w1 != 0 { return 128 - w1.leadingZeroBitCount }
    return 64 - w0.leadingZeroBitCount
  }

  /// Number of significant bytes (0 for zero).
  @inlinable
  public var byteWidth: Int { (bitWidth + 7) / 8 }
}

// MARK: - Hex

extension UInt256: CustomStringConvertible {
  /// Parses `0x`-prefixed or bare hex (up to 64 digits) or a decimal string.
  public init?(hexOrDecimal text: String) {
    if text.hasPrefix("0x") || text.hasPrefix("0X") {
      self.init(hex: text)
    } else {
      self.init(decimal: text)
    }
  }

  /// Parses hex with or without `0x`; the empty string `0x` is zero.
  public init?(hex text: String) {
    var digits = Substring(text)
    if digits.hasPrefix("0x") || digits.hasPrefix("0X") { digits = digits.dropFirst(2) }
    while digits.count > 64, digits.first == "0" { digits = digits.dropFirst() }
    guard digits.count <= 64 else { return nil }
    var value = UInt256.zero
    for ch in digits.utf8 {
      guard let nibble = Hex.nibble(ch) else { return nil }
      value = UInt256(
        w0: (value.w0 << 4) | UInt64(nibble),
        w1: (value.w1 << 4) | (value.w0 >> 60),
        w2: (value.w2 << 4) | (value.w1 >> 60),
        w3: (value.w3 << 4) | (value.w2 >> 60))
    }
    self = value
  }

  /// Parses a decimal string; `nil` on overflow or a bad digit.
  public init?(decimal text: String) {
    guard !text.isEmpty else { return nil }
    var value = UInt256.zero
    for ch in text.utf8 {
      guard ch >= 48, ch <= 57 else { return nil }
      // value = value * 10 + digit, with overflow detection (no allocation).
      let (times10, mulOverflow) = value.multipliedReportingOverflow(by: UInt256(10))
      let (sum, addOverflow) = times10.addingReportingOverflow(UInt256(UInt64(ch - 48)))
      guard !mulOverflow, !addOverflow else { return nil }
      value = sum
    }
    self = value
  }

  /// Minimal `0x`-prefixed hex, as JSON-RPC quantities are written (`0x0` for zero).
  public var hexQuantity: String {
    if isZero { return "0x0" }
    let hex = Hex.encode(minimalBigEndianBytes, prefix: false)
    let trimmed = hex.drop { $0 == "0" }
    return "0x" + trimmed
  }

  /// `0x` and 64 hex digits.
  public var hexWord: String { Hex.encode(bigEndianBytes) }

  public var description: String { hexQuantity }
}
