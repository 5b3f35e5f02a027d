/// Recursive Length Prefix, Ethereum's serialisation of byte strings and lists.
///
/// `RLPEncoder` builds encodings in one growing buffer, `RLPReader` decodes
/// strictly canonical input without copying, and `RLP.Item` is the generic
/// tree form for tests and tools.
public enum RLP {
  /// A decoded RLP value: a byte string or a list of values.
  public indirect enum Item: Equatable, Sendable {
    case bytes([UInt8])
    case list([Item])
  }

  /// Lists nested deeper than this are rejected by `decode` (real Ethereum
  /// data nests a handful of levels; the limit keeps hostile input from
  /// exhausting the stack).
  public static let maximumDepth = 1024

  /// The encoding of `item`.
  public static func encode(_ item: Item) -> [UInt8] {
    var encoder = RLPEncoder()
    encoder.append(item)
    return encoder.bytes
  }

  /// Decodes exactly one canonical item that spans the whole of `bytes`.
  public static func decode(_ bytes: [UInt8]) throws(RLPError) -> Item {
    var reader = RLPReader(bytes)
    let item = try reader.readItem(depth: 0)
    try reader.finish()
    return item
  }

  /// Decodes exactly one canonical item that spans the whole of `bytes`.
  public static func decode<C: Collection>(_ bytes: C) throws(RLPError) -> Item
  where C.Element == UInt8 {
    try decode(Array(bytes))
  }
}

extension RLP.Item: CustomStringConvertible {
  /// Hex for strings, brackets for lists.
  public var description: String {
    switch self {
    case .bytes(let bytes): return Hex.encode(bytes)
    case .list(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
    }
  }
}

/// Why RLP input was rejected.
public enum RLPError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The input ends inside an item (or a declared length runs past the end).
  case unexpectedEnd
  /// A long-form length prefix encodes a length below 56, which has a short form.
  case nonCanonicalSize
  /// A single byte below 0x80 is wrapped in a string header (`0x81 0x00`–`0x81 0x7f`).
  case nonCanonicalSingleByte
  /// A long-form length starts with a zero byte.
  case leadingZeroInLength
  /// A length does not fit in memory (over `Int.max`).
  case lengthOverflow
  /// Bytes remain after the item or list that should have ended the input.
  case trailingBytes
  /// A byte string where a list was required.
  case expectedList
  /// A list where a byte string was required.
  case expectedBytes
  /// An integer wider than its type (over 32 bytes for `UInt256`, 8 for `UInt64`).
  case integerOverflow
  /// An integer with leading zero bytes (zero must be the empty string).
  case leadingZeroInInteger
  /// A fixed-size value (address, hash) of the wrong length.
  case wrongLength(expected: Int, actual: Int)
  /// Lists nested deeper than `RLP.maximumDepth`.
  case nestingTooDeep

  public var description: String {
    switch self {
    case .unexpectedEnd: return "RLP: unexpected end of input"
    case .nonCanonicalSize: return "RLP: non-canonical size (long form for a short length)"
    case .nonCanonicalSingleByte: return "RLP: non-canonical single byte (should be unprefixed)"
    case .leadingZeroInLength: return "RLP: leading zero in length"
    case .lengthOverflow: return "RLP: length overflows"
    case .trailingBytes: return "RLP: trailing bytes"
    case .expectedList: return "RLP: expected a list"
    case .expectedBytes: return "RLP: expected a byte string"
    case .integerOverflow: return "RLP: integer too large"
    case .leadingZeroInInteger: return "RLP: leading zero in integer"
    case .wrongLength(let expected, let actual):
      return "RLP: expected \(expected) bytes, got \(actual)"
    case .nestingTooDeep: return "RLP: lists nested too deeply"
    }
  }
}

// MARK: - Encoding

/// Builds an RLP encoding by appending items to one buffer.
///
/// Lists are written in place: `appendList` reserves a one-byte header,
/// encodes the body after it and widens the header only when the payload
/// reaches 56 bytes, so nested lists never re-encode their contents.
public struct RLPEncoder: Sendable {
  /// The buffer (`bytes` is its public read-only face).
  @usableFromInline var storage: [UInt8]

  /// The encoding so far.
  @inlinable
  public var bytes: [UInt8] { storage }

  /// An empty encoder.
  @inlinable
  public init() { storage = [] }

  /// An empty encoder whose buffer can hold `capacity` bytes without growing.
  @inlinable
  public init(reservingCapacity capacity: Int) {
    storage = []
    storage.reserveCapacity(capacity)
  }

  /// Empties the buffer, keeping its capacity for reuse.
  @inlinable
  public mutating func removeAll() { storage.removeAll(keepingCapacity: true) }

  /// Appends a string header for a payload of `length` bytes.
  @inlinable
  mutating func appendHeader(length: Int, offset: UInt8) {
    if length < 56 {
      storage.append(offset &+ UInt8(truncatingIfNeeded: length))
    } else {
      let width = (Int.bitWidth - length.leadingZeroBitCount + 7) / 8
      storage.append(offset &+ 55 &+ UInt8(truncatingIfNeeded: width))
      var shift = (width - 1) * 8
      while shift >= 0 {
        storage.append(UInt8(truncatingIfNeeded: length >> shift))
        shift -= 8
      }
    }
  }

  /// Appends a byte string.
  @inlinable
  public mutating func append<C: Collection>(bytes value: C) where C.Element == UInt8 {
    let count = value.count
    if count == 1, let only = value.first, only < 0x80 {
      storage.append(only)
      return
    }
    appendHeader(length: count, offset: 0x80)
    storage.append(contentsOf: value)
  }

  /// Appends an integer as its minimal big-endian bytes (zero is the empty string `0x80`).
  @inlinable
  public mutating func append(_ value: UInt64) {
    if value < 0x80 {
      storage.append(value == 0 ? 0x80 : UInt8(truncatingIfNeeded: value))
      return
    }
    let width = (64 - value.leadingZeroBitCount + 7) / 8
    storage.append(0x80 &+ UInt8(truncatingIfNeeded: width))
    var shift = (width - 1) * 8
    while shift >= 0 {
      storage.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
      shift -= 8
    }
  }

  /// Appends a 256-bit integer as its minimal big-endian bytes (zero is `0x80`).
  @inlinable
  public mutating func append(_ value: UInt256) {
    if value.fitsInUInt64 {
      append(value.w0)
      return
    }
    let width = value.byteWidth
    storage.append(0x80 &+ UInt8(truncatingIfNeeded: width))
    withUnsafeTemporaryAllocation(byteCount: 32, alignment: 8) { buffer in
      value.storeBigEndian(to: buffer.baseAddress!)
      storage.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[(32 - width)...]))
    }
  }

  /// Appends a 20-byte address string.
  @inlinable
  public mutating func append(_ address: Address) {
    storage.append(0x80 + 20)
    withUnsafeTemporaryAllocation(byteCount: 20, alignment: 8) { buffer in
      address.store(to: buffer.baseAddress!)
      storage.append(contentsOf: UnsafeRawBufferPointer(buffer))
    }
  }

  /// Appends a 32-byte string (hash, root).
  @inlinable
  public mutating func append(_ hash: Bytes32) {
    storage.append(0x80 + 32)
    withUnsafeTemporaryAllocation(byteCount: 32, alignment: 8) { buffer in
      hash.store(to: buffer.baseAddress!)
      storage.append(contentsOf: UnsafeRawBufferPointer(buffer))
    }
  }

  /// Appends the header of a list whose payload is `payloadLength` bytes
  /// long (the items follow): for lists whose size is known beforehand, so
  /// that no header is widened in place afterwards.
  @inlinable
  public mutating func appendListHeader(payloadLength: Int) {
    appendHeader(length: payloadLength, offset: 0xc0)
  }

  /// The size of a string or list header for a payload of `length` bytes.
  @inlinable
  public static func headerSize(payloadLength length: Int) -> Int {
    length < 56 ? 1 : 1 + (Int.bitWidth - length.leadingZeroBitCount + 7) / 8
  }

  /// The encoded size of a byte string of `count` bytes whose first byte
  /// is `first` (a single byte below 0x80 is its own encoding).
  @inlinable
  public static func stringSize(count: Int, first: UInt8?) -> Int {
    if count == 1, let first, first < 0x80 { return 1 }
    return headerSize(payloadLength: count) + count
  }

  /// The encoded size of an integer (`append(_: UInt64)`).
  @inlinable
  public static func integerSize(_ value: UInt64) -> Int {
    value < 0x80 ? 1 : 1 + (64 - value.leadingZeroBitCount + 7) / 8
  }

  /// Appends an item that is already RLP-encoded, unchanged.
  @inlinable
  public mutating func appendRaw<C: Collection>(_ encoded: C) where C.Element == UInt8 {
    storage.append(contentsOf: encoded)
  }

  /// Appends a list whose items `body` appends; the length prefix is written
  /// afterwards in place.
  @inlinable
  public mutating func appendList(_ body: (inout RLPEncoder) -> Void) {
    let headerIndex = beginList()
    body(&self)
    endList(headerIndex)
  }

  /// Starts a list: writes a provisional one-byte header and returns its index
  /// for `endList`. Items appended until then form the list's payload.
  @inlinable
  public mutating func beginList() -> Int {
    storage.append(0xc0)
    return storage.count - 1
  }

  /// Ends the list started at `headerIndex`, fixing up its length prefix
  /// (widening it in place when the payload is 56 bytes or more).
  @inlinable
  public mutating func endList(_ headerIndex: Int) {
    let length = storage.count - headerIndex - 1
    if length < 56 {
      storage[headerIndex] = 0xc0 &+ UInt8(truncatingIfNeeded: length)
    } else {
      let width = (Int.bitWidth - length.leadingZeroBitCount + 7) / 8
      storage[headerIndex] = 0xf7 &+ UInt8(truncatingIfNeeded: width)
      withUnsafeBytes(of: UInt64(length).bigEndian) { raw in
        storage.insert(
          contentsOf: UnsafeRawBufferPointer(rebasing: raw[(8 - width)...]), at: headerIndex + 1)
      }
    }
  }

  /// Appends a generic item.
  public mutating func append(_ item: RLP.Item) {
    switch item {
    case .bytes(let value): append(bytes: value)
    case .list(let items):
      appendList { encoder in
        for element in items { encoder.append(element) }
      }
    }
  }
}

// MARK: - Decoding

/// A strict, zero-copy reader over a sequence of RLP items.
///
/// Every read checks canonical form (shortest length prefix, no wrapped single
/// bytes, no leading zeros in lengths or integers) and bounds against the
/// input, so malformed input throws rather than traps. Returned byte strings
/// are slices of the input buffer.
public struct RLPReader: Sendable {
  /// The input; items are read from `position` to `bytes.endIndex`.
  public let bytes: ArraySlice<UInt8>
  /// Index in `bytes` of the next item's first byte.
  public private(set) var position: Int

  /// A reader over `bytes`.
  public init(_ bytes: ArraySlice<UInt8>) {
    self.bytes = bytes
    self.position = bytes.startIndex
  }

  /// A reader over `bytes`.
  public init(_ bytes: [UInt8]) {
    self.init(bytes[...])
  }

  /// True when every item has been read.
  @inlinable
  public var isAtEnd: Bool { position >= bytes.endIndex }

  /// The bytes not yet read.
  public var remaining: ArraySlice<UInt8> { bytes[position...] }

  /// True when the next item exists and is a list.
  public var peekIsList: Bool { position < bytes.endIndex && bytes[position] >= 0xc0 }

  /// One item's header: whether it is a list and its payload range.
  @usableFromInline
  struct Header {
    @usableFromInline var isList: Bool
    @usableFromInline var payloadStart: Int
    @usableFromInline var payloadEnd: Int
  }

  /// Parses the header at `position` without moving.
  @usableFromInline
  func header() throws(RLPError) -> Header {
    let end = bytes.endIndex
    guard position < end else { throw .unexpectedEnd }
    let prefix = bytes[position]
    let isList = prefix >= 0xc0
    let base: UInt8 = isList ? 0xc0 : 0x80
    if prefix < 0x80 {
      return Header(isList: false, payloadStart: position, payloadEnd: position + 1)
    }
    let start: Int
    let length: Int
    if prefix - base < 56 {
      length = Int(prefix - base)
      start = position + 1
      guard length <= end - start else { throw .unexpectedEnd }
      if !isList && length == 1 && bytes[start] < 0x80 { throw .nonCanonicalSingleByte }
    } else {
      let width = Int(prefix - base - 55)  // 1...8
      guard width <= end - position - 1 else { throw .unexpectedEnd }
      guard bytes[position + 1] != 0 else { throw .leadingZeroInLength }
      var value: UInt64 = 0
      for i in 1...width { value = value << 8 | UInt64(bytes[position + i]) }
      guard value >= 56 else { throw .nonCanonicalSize }
      guard value <= UInt64(Int.max) else { throw .lengthOverflow }
      length = Int(value)
      start = position + 1 + width
      guard length <= end - start else { throw .unexpectedEnd }
    }
    return Header(isList: isList, payloadStart: start, payloadEnd: start + length)
  }

  /// Reads a byte string; the result is a slice of the input.
  public mutating func readBytes() throws(RLPError) -> ArraySlice<UInt8> {
    let h = try header()
    guard !h.isList else { throw .expectedBytes }
    position = h.payloadEnd
    return bytes[h.payloadStart..<h.payloadEnd]
  }

  /// Reads a list and returns a reader over its items.
  public mutating func readList() throws(RLPError) -> RLPReader {
    let h = try header()
    guard h.isList else { throw .expectedList }
    position = h.payloadEnd
    return RLPReader(bytes[h.payloadStart..<h.payloadEnd])
  }

  /// Reads the complete encoding (header included) of the next item.
  public mutating func readRawItem() throws(RLPError) -> ArraySlice<UInt8> {
    let h = try header()
    let start = position
    position = h.payloadEnd
    return bytes[start..<h.payloadEnd]
  }

  /// Skips the next item.
  public mutating func skipItem() throws(RLPError) {
    position = try header().payloadEnd
  }

  /// Reads a canonical unsigned integer of at most 32 bytes.
  public mutating func readUInt256() throws(RLPError) -> UInt256 {
    let value = try readBytes()
    guard value.count <= 32 else { throw .integerOverflow }
    guard let first = value.first else { return .zero }
    guard first != 0 else { throw .leadingZeroInInteger }
    // Right-align the bytes in a zeroed 32-byte word and load it.
    var word: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    return withUnsafeMutableBytes(of: &word) { raw in
      value.withUnsafeBytes { source in
        raw.baseAddress!.advanced(by: 32 - source.count)
          .copyMemory(from: source.baseAddress!, byteCount: source.count)
      }
      return UInt256(bigEndianPointer: UnsafeRawPointer(raw.baseAddress!))
    }
  }

  /// Reads a canonical unsigned integer of at most 8 bytes.
  public mutating func readUInt64() throws(RLPError) -> UInt64 {
    let value = try readBytes()
    guard value.count <= 8 else { throw .integerOverflow }
    guard value.first != 0 else { throw .leadingZeroInInteger }
    var result: UInt64 = 0
    for byte in value { result = result << 8 | UInt64(byte) }
    return result
  }

  /// Reads a 20-byte address.
  public mutating func readAddress() throws(RLPError) -> Address {
    let value = try readBytes()
    guard value.count == 20 else { throw .wrongLength(expected: 20, actual: value.count) }
    return value.withUnsafeBytes { Address(pointer: $0.baseAddress!) }
  }

  /// Reads a 32-byte string.
  public mutating func readBytes32() throws(RLPError) -> Bytes32 {
    let value = try readBytes()
    guard value.count == 32 else { throw .wrongLength(expected: 32, actual: value.count) }
    return value.withUnsafeBytes { Bytes32(pointer: $0.baseAddress!) }
  }

  /// Reads the next item as a generic tree.
  public mutating func readItem() throws(RLPError) -> RLP.Item {
    try readItem(depth: 0)
  }

  mutating func readItem(depth: Int) throws(RLPError) -> RLP.Item {
    if peekIsList {
      guard depth < RLP.maximumDepth else { throw .nestingTooDeep }
      var inner = try readList()
      var items: [RLP.Item] = []
      while !inner.isAtEnd { items.append(try inner.readItem(depth: depth + 1)) }
      return .list(items)
    }
    return .bytes(Array(try readBytes()))
  }

  /// Throws `trailingBytes` unless every item has been read.
  public func finish() throws(RLPError) {
    guard isAtEnd else { throw .trailingBytes }
  }
}
