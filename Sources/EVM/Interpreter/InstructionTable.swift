import EVMPrimitives

/// Per-opcode traits: stack effect, static gas, first fork. One table that
/// the interpreter, the tests and the tracer all read (evmone's shape), built
/// fork by fork by layering EIP activations (geth's shape).
public struct InstructionTable: @unchecked Sendable {
  /// Static gas per opcode; `-1` marks an opcode undefined in this fork.
  public let staticGas: [Int32]
  /// Minimum stack height for the opcode (its pops).
  public let minStack: [Int16]
  /// Maximum stack height before the opcode so that it cannot overflow.
  public let maxStack: [Int16]
  /// The same three traits packed per opcode for the interpreter loop: 256
  /// entries, allocated once per table and never freed (the tables are the
  /// static per-fork `tables`), so the loop indexes them without a bounds
  /// check or a closure.
  @usableFromInline let entries: UnsafePointer<Entry>

  /// One opcode's traits as the interpreter loop reads them: one load per
  /// opcode, one unsigned compare for both stack bounds.
  @usableFromInline
  struct Entry: Sendable {
    /// Static gas; negative when the opcode is undefined.
    @usableFromInline let gas: Int32
    @usableFromInline let minStack: Int16
    /// `maxStack - minStack`: the stack height is valid exactly when
    /// `UInt(height - minStack) <= stackRange`.
    @usableFromInline let stackRange: UInt16
  }

  /// Stack items an opcode pops and pushes, for every opcode of the last fork.
  public static let stackEffect: [(pops: Int, pushes: Int)] = {
    var effect = [(pops: Int, pushes: Int)](repeating: (0, 0), count: 256)
    func set(_ op: Int, _ pops: Int, _ pushes: Int) { effect[op] = (pops, pushes) }
    set(0x00, 0, 0)
    for op in [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x0b] { set(op, 2, 1) }
    set(0x08, 3, 1)
    set(0x09, 3, 1)
    set(0x0a, 2, 1)
    for op in [0x10, 0x11, 0x12, 0x13, 0x14, 0x16, 0x17, 0x18, 0x1a, 0x1b, 0x1c, 0x1d] {
      set(op, 2, 1)
    }
    set(0x15, 1, 1)
    set(0x19, 1, 1)
    set(0x1e, 1, 1)
    set(0x20, 2, 1)
    set(0x30, 0, 1)
    set(0x31, 1, 1)
    set(0x32, 0, 1)
    set(0x33, 0, 1)
    set(0x34, 0, 1)
    set(0x35, 1, 1)
    set(0x36, 0, 1)
    set(0x37, 3, 0)
    set(0x38, 0, 1)
    set(0x39, 3, 0)
    set(0x3a, 0, 1)
    set(0x3b, 1, 1)
    set(0x3c, 4, 0)
    set(0x3d, 0, 1)
    set(0x3e, 3, 0)
    set(0x3f, 1, 1)
    set(0x40, 1, 1)
    for op in 0x41...0x48 { set(op, 0, 1) }
    set(0x49, 1, 1)
    set(0x4a, 0, 1)
    set(0x50, 1, 0)
    set(0x51, 1, 1)
    set(0x52, 2, 0)
    set(0x53, 2, 0)
    set(0x54, 1, 1)
    set(0x55, 2, 0)
    set(0x56, 1, 0)
    set(0x57, 2, 0)
    set(0x58, 0, 1)
    set(0x59, 0, 1)
    set(0x5a, 0, 1)
    set(0x5b, 0, 0)
    set(0x5c, 1, 1)
    set(0x5d, 2, 0)
    set(0x5e, 3, 0)
    for op in 0x5f...0x7f { set(op, 0, 1) }
    for n in 1...16 { set(0x7f + n, n, n + 1) }  // DUPn
    for n in 1...16 { set(0x8f + n, n + 1, n + 1) }  // SWAPn
    for n in 0...4 { set(0xa0 + n, 2 + n, 0) }  // LOGn
    set(0xf0, 3, 1)
    set(0xf1, 7, 1)
    set(0xf2, 7, 1)
    set(0xf3, 2, 0)
    set(0xf4, 6, 1)
    set(0xf5, 4, 1)
    set(0xfa, 6, 1)
    set(0xfd, 2, 0)
    set(0xfe, 0, 0)
    set(0xff, 1, 0)
    return effect
  }()

  private init(gas: [Int32]) {
    staticGas = gas
    var minStack = [Int16](repeating: 0, count: 256)
    var maxStack = [Int16](repeating: 1024, count: 256)
    for op in 0..<256 {
      let (pops, pushes) = InstructionTable.stackEffect[op]
      minStack[op] = Int16(pops)
      maxStack[op] = Int16(1024 - max(0, pushes - pops))
    }
    self.minStack = minStack
    self.maxStack = maxStack
    let entries = UnsafeMutablePointer<Entry>.allocate(capacity: 256)
    for op in 0..<256 {
      entries[op] = Entry(
        gas: gas[op], minStack: minStack[op], stackRange: UInt16(maxStack[op] - minStack[op]))
    }
    self.entries = UnsafePointer(entries)
  }

  /// The table for `fork`.
  public static func forFork(_ fork: Fork) -> InstructionTable { tables[Int(fork.rawValue)] }

  static let tables: [InstructionTable] = Fork.allCases.map {
    InstructionTable(gas: staticGasTable($0))
  }

  /// Static gas by fork, layered: each fork starts from the one before.
  static func staticGasTable(_ fork: Fork) -> [Int32] {
    var g = [Int32](repeating: -1, count: 256)
    // Frontier.
    g[0x00] = 0
    for op in [0x01, 0x03, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a] {
      g[op] = 3
    }
    for op in [0x02, 0x04, 0x05, 0x06, 0x07, 0x0b] { g[op] = 5 }
    g[0x08] = 8
    g[0x09] = 8
    g[0x0a] = 10
    g[0x20] = 30
    for op in [0x30, 0x32, 0x33, 0x34, 0x36, 0x38, 0x3a] { g[op] = 2 }
    g[0x31] = 20
    g[0x35] = 3
    g[0x37] = 3
    g[0x39] = 3
    g[0x3b] = 20
    g[0x3c] = 20
    g[0x40] = 20
    for op in 0x41...0x45 { g[op] = 2 }
    g[0x50] = 2
    g[0x51] = 3
    g[0x52] = 3
    g[0x53] = 3
    g[0x54] = 50
    g[0x55] = 0
    g[0x56] = 8
    g[0x57] = 10
    g[0x58] = 2
    g[0x59] = 2
    g[0x5a] = 2
    g[0x5b] = 1
    for op in 0x60...0x9f { g[op] = 3 }
    for n in 0...4 { g[0xa0 + n] = Int32(375 * (n + 1)) }
    g[0xf0] = 32000
    g[0xf1] = 40
    g[0xf2] = 40
    g[0xf3] = 0
    g[0xff] = 0
    if fork >= .homestead { g[0xf4] = 40 }
    if fork >= .tangerineWhistle {  // EIP-150
      g[0x31] = 400
      g[0x3b] = 700
      g[0x3c] = 700
      g[0x54] = 200
      g[0xf1] = 700
      g[0xf2] = 700
      g[0xf4] = 700
      g[0xff] = 5000
    }
    if fork >= .byzantium {
      g[0x3d] = 2
      g[0x3e] = 3
      g[0xfa] = 700
      g[0xfd] = 0
    }
    if fork >= .constantinople {
      g[0x1b] = 3
      g[0x1c] = 3
      g[0x1d] = 3
      g[0x3f] = 400
      g[0xf5] = 32000
    }
    if fork >= .istanbul {  // EIP-1884
      g[0x31] = 700
      g[0x3f] = 700
      g[0x54] = 800
      g[0x46] = 2
      g[0x47] = 5
    }
    if fork >= .berlin {  // EIP-2929: the access cost is charged dynamically
      g[0x31] = 0
      g[0x3b] = 0
      g[0x3c] = 0
      g[0x3f] = 0
      g[0x54] = 0
      g[0xf1] = 0
      g[0xf2] = 0
      g[0xf4] = 0
      g[0xfa] = 0
    }
    if fork >= .london { g[0x48] = 2 }
    if fork >= .shanghai { g[0x5f] = 2 }
    if fork >= .cancun {
      g[0x5c] = 100
      g[0x5d] = 100
      g[0x5e] = 3
      g[0x49] = 3
      g[0x4a] = 2
    }
    if fork >= .osaka { g[0x1e] = 5 }
    return g
  }
}
