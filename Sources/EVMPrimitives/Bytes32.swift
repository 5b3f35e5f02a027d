/// A 32-byte string: hashes, roots, code hashes.
///
/// Stored as four big-endian integers (bytes 0–7 first) so that equality and
/// hashing are cheap; `word` reads it as a `UInt256`.
@frozen
public struct Bytes32: Hashable, Comparable, Sendable {
  public var b0: UInt64
  public var b1: UInt64
  public var b2: UInt64
  public var b3: UInt64

  @inlinable @inline(__always)
  public init(b0: UInt64, b1: UInt64, b2: UInt64, b3: UInt64) {
    self.b0 = b0
    self.b1 = b1
    self.b2 = b2
    self.b3 = b3
  }

  public static let zero = Bytes32(b0: 0, b1: 0, b2: 0, b3: 0)

  /// Reads 32 bytes at `p`.
  @inlinable @inline(__always)
  public init(pointer p: UnsafeRawPointer) {
    self.init(
      b0: UInt64(bigEndian: p.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
      b1: UInt64(bigEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
      b2: UInt64(bigEndian: p.loadUnaligned(fromByteOffset: 16, as: UInt64.self)),
      b3: UInt64(bigEndian: p.loadUnaligned(fromByteOffset: 24, as: UInt64.self)))
  }

  /// Exactly 32 bytes; traps on another length (callers check first).
  @inlinable
  public init<C: Collection>(bytes: C) where C.Element == UInt8 {
    precondition(bytes.count == 32, "Bytes32 needs 32 bytes")
    self = Array(bytes).withUnsafeBytes { Bytes32(pointer: $0.baseAddress!) }
  }

  /// The same 32 bytes read as a big-endian word.
  @inlinable @inline(__always)
  public init(word: UInt256) {
    self.init(b0: word.w3, b1: word.w2, b2: word.w1, b3: word.w0)
  }

  @inlinable @inline(__always)
  public var word: UInt256 { UInt256(w0: b3, w1: b2, w2: b1, w3: b0) }

  @inlinable @inline(__always)
  public func store(to p: UnsafeMutableRawPointer) {
    p.storeBytes(of: b0.bigEndian, toByteOffset: 0, as: UInt64.self)
    p.storeBytes(of: b1.bigEndian, toByteOffset: 8, as: UInt64.self)
    p.storeBytes(of: b2.bigEndian, toByteOffset: 16, as: UInt64.self)
    p.storeBytes(of: b3.bigEndian, toByteOffset: 24, as: UInt64.self)
  }

  @inlinable
  public var bytes: [UInt8] {
    [UInt8](unsafeUninitializedCapacity: 32) { buffer, count in
      store(to: UnsafeMutableRawPointer(buffer.baseAddress!))
      count = 32
    }
  }

  /// Parses 64 hex digits with or without `0x`.
  public init?(hex text: String) {
    guard let bytes = Hex.decode(text), bytes.count == 32 else { return nil }
    self.init(bytes: bytes)
  }

  @inlinable
  public static func < (a: Bytes32, b: Bytes32) -> Bool {
    (a.b0, a.b1, a.b2, a.b3) < (b.b0, b.b1, b.b2, b.b3)
  }
}

extension Bytes32: CustomStringConvertible {
  public var description: String { Hex.encode(bytes) }
}
