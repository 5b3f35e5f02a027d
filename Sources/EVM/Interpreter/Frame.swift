import EVMPrimitives

/// One call frame: stack, memory, program counter and gas of a running message.
///
/// Owned by the `EVM` that runs it, on one thread. The stack is a fixed
/// buffer of 1024 words, checked once per opcode against the instruction
/// table, never per push or pop.
public final class Frame {
  public private(set) var message: Message
  public private(set) var code: Bytecode
  @usableFromInline let stack: UnsafeMutablePointer<UInt256>
  @usableFromInline var stackCount: Int = 0
  @usableFromInline var memory = Memory()
  @usableFromInline var pc: Int = 0
  @usableFromInline var gas: Int64
  /// Output of the last child call (RETURNDATASIZE/RETURNDATACOPY).
  @usableFromInline var returnData: [UInt8] = []
  /// Where the pending child call's output goes in memory.
  @usableFromInline var returnOffset: Int = 0
  @usableFromInline var returnSize: Int = 0

  init(message: Message) {
    self.message = message
    self.code = message.code
    self.gas = message.gas
    stack = .allocate(capacity: 1024)
  }

  deinit {
    stack.deallocate()
    memory.deallocate()
  }

  /// Makes a finished frame the fresh frame of `message`, keeping its stack
  /// and memory buffers (the EVM pools frames, so calls allocate nothing).
  func reuse(for message: Message) {
    self.message = message
    code = message.code
    gas = message.gas
    stackCount = 0
    memory.reset()
    pc = 0
    returnData = []
    returnOffset = 0
    returnSize = 0
  }

  /// Pushes a result onto the stack (the caller knows there is room).

  func push(_ value: UInt256) {
    stack[stackCount] = value
    stackCount += 1
  }

  /// Charges memory expansion so that `[offset, offset+size)` is addressable;
  /// false when out of gas. A zero size never expands.
  ///
  /// Inlined into the interpreter (MLOAD and MSTORE pass a constant size, so
  /// the common case is a few compares); growing is out of line.
  @inline(__always)
  func expandMemory(_ offset: UInt256, _ size: UInt256) -> Bool {
    if size.isZero { return true }
    guard offset.w1 | offset.w2 | offset.w3 == 0, size.w1 | size.w2 | size.w3 == 0,
      offset.w0 <= 0xffff_ffff, size.w0 <= 0xffff_ffff
    else { return false }
    return expandMemory(end: Int(offset.w0 + size.w0))
  }

  /// Memory expansion to `end` bytes.
  @inline(__always)
  func expandMemory(end: Int) -> Bool {
    if end <= memory.size { return true }
    return growMemory(end: end)
  }

  /// Charges and grows memory to `end` bytes (more than the current size).
  @inline(never)
  func growMemory(end: Int) -> Bool {
    let newWords = Int64((end + 31) / 32)
    let oldWords = Int64(memory.size / 32)
    let cost =
      (newWords * 3 + newWords * newWords / 512) - (oldWords * 3 + oldWords * oldWords / 512)
    gas -= cost
    if gas < 0 { return false }
    memory.grow(to: Int(newWords) * 32)
    return true
  }
}
