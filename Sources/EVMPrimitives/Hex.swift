/// Hex encoding and decoding of byte strings.
public enum Hex {
  @usableFromInline static let digits: [UInt8] = Array("0123456789abcdef".utf8)

  /// The value of one ASCII hex digit, or `nil`.
  @inlinable @inline(__always)
  public static func nibble(_ ch: UInt8) -> UInt8? {
    switch ch {
    case 48...57: return ch - 48
    case 97...102: return ch - 87
    case 65...70: return ch - 55
    default: return nil
    }
  }

  /// Decodes hex with or without `0x`. An odd number of digits is read as if
  /// it had a leading zero. `nil` on a non-hex character.
  public static func decode(_ text: String) -> [UInt8]? {
    var utf8 = Substring(text).utf8[...]
    if utf8.count >= 2, utf8.first == 48, let x = utf8.dropFirst().first, x == 120 || x == 88 {
      utf8 = utf8.dropFirst(2)
    }
    var out = [UInt8]()
    out.reserveCapacity((utf8.count + 1) / 2)
    var iterator = utf8.makeIterator()
    if utf8.count % 2 == 1 {
      guard let n = nibble(iterator.next()!) else { return nil }
      out.append(n)
    }
    while let hi = iterator.next(), let lo = iterator.next() {
      guard let h = nibble(hi), let l = nibble(lo) else { return nil }
      out.append(h << 4 | l)
    }
    return out
  }

  /// Lower-case hex, `0x`-prefixed unless `prefix` is false.
  public static func encode<C: Collection>(_ bytes: C, prefix: Bool = true) -> String
  where C.Element == UInt8 {
    var out = [UInt8]()
    out.reserveCapacity(bytes.count * 2 + 2)
    if prefix { out.append(contentsOf: [48, 120]) }
    for b in bytes {
      out.append(digits[Int(b >> 4)])
      out.append(digits[Int(b & 15)])
    }
    return String(decoding: out, as: UTF8.self)
  }
}
