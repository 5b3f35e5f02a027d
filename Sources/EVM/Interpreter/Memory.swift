import EVMPrimitives

/// A call frame's byte-addressed memory: a growable zero-filled buffer whose
/// size is always a multiple of 32. Owned by one frame; freed with it.
public struct Memory {
  @usableFromInline var buffer: UnsafeMutableRawPointer
  @usableFromInline var capacity: Int
  /// Size in bytes (a multiple of 32).
  public private(set) var size: Int

  init() {
    capacity = 4096
    buffer = .allocate(byteCount: capacity, alignment: 16)
    size = 0
  }

  func deallocate() { buffer.deallocate() }

  /// Empty again, keeping the buffer (growing zero-fills what it exposes).
  mutating func reset() { size = 0 }

  /// Grows to `newSize` bytes (a multiple of 32), zero-filling.

  mutating func grow(to newSize: Int) {
    if newSize <= size { return }
    if newSize > capacity {
      var newCapacity = capacity * 2
      while newCapacity < newSize { newCapacity *= 2 }
      let newBuffer = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
      newBuffer.copyMemory(from: buffer, byteCount: size)
      buffer.deallocate()
      buffer = newBuffer
      capacity = newCapacity
    }
    (buffer + size).initializeMemory(as: UInt8.self, repeating: 0, count: newSize - size)
    size = newSize
  }

  @inline(__always)
  func loadWord(_ offset: Int) -> UInt256 { UInt256(bigEndianPointer: buffer + offset) }

  @inline(__always)
  func storeWord(_ offset: Int, _ value: UInt256) { value.storeBigEndian(to: buffer + offset) }

  @inline(__always)
  func storeByte(_ offset: Int, _ value: UInt8) {
    buffer.storeBytes(of: value, toByteOffset: offset, as: UInt8.self)
  }

  /// Copies `count` bytes out (the range is inside `size`).

  func bytes(_ offset: Int, _ count: Int) -> [UInt8] {
    if count == 0 { return [] }
    return [UInt8](UnsafeRawBufferPointer(start: buffer + offset, count: count))
  }

  /// Writes `count` bytes at `offset`, taking `source[sourceOffset...]` and
  /// zero-filling past the end of `source` (CALLDATACOPY, CODECOPY semantics).

  func write<C: Collection>(_ offset: Int, _ count: Int, from source: C, sourceOffset: UInt256)
  where C.Element == UInt8, C.Index == Int {
    if count == 0 { return }
    let available: Int
    let start: Int
    if sourceOffset.fitsInUInt64 && sourceOffset.w0 < UInt64(source.count) {
      start = source.startIndex + Int(sourceOffset.w0)
      available = min(count, source.endIndex - start)
    } else {
      start = source.endIndex
      available = 0
    }
    if available > 0 {
      var i = 0
      var index = start
      let destination = (buffer + offset).assumingMemoryBound(to: UInt8.self)
      while i < available {
        destination[i] = source[index]
        i += 1
        index += 1
      }
    }
    if available < count {
      (buffer + offset + available).initializeMemory(
        as: UInt8.self, repeating: 0, count: count - available)
    }
  }

  /// MCOPY: overlapping copy inside memory.

  func copyWithin(destination: Int, source: Int, count: Int) {
    if count == 0 { return }
    (buffer + destination).copyMemory(from: buffer + source, byteCount: count)  // memmove semantics
  }
}
