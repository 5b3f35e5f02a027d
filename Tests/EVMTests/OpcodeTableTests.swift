import EVM
import EVMPrimitives
import Testing

/// Every opcode's stack effect and static gas, written out independently of
/// `InstructionTable` (from the Yellow Paper and the EIPs), and compared
/// entry by entry for every fork.
@Suite struct OpcodeTableTests {
  /// (opcode, pops, pushes, static gas in the fork that introduced it, that fork).
  /// Opcodes whose static gas changed later are checked in `InstructionTableTests`.
  static let table: [(Int, Int, Int, Int32, Fork)] = {
    var rows: [(Int, Int, Int, Int32, Fork)] = [
      (0x00, 0, 0, 0, .frontier), (0x01, 2, 1, 3, .frontier), (0x02, 2, 1, 5, .frontier),
      (0x03, 2, 1, 3, .frontier), (0x04, 2, 1, 5, .frontier), (0x05, 2, 1, 5, .frontier),
      (0x06, 2, 1, 5, .frontier), (0x07, 2, 1, 5, .frontier), (0x08, 3, 1, 8, .frontier),
      (0x09, 3, 1, 8, .frontier), (0x0a, 2, 1, 10, .frontier), (0x0b, 2, 1, 5, .frontier),
      (0x10, 2, 1, 3, .frontier), (0x11, 2, 1, 3, .frontier), (0x12, 2, 1, 3, .frontier),
      (0x13, 2, 1, 3, .frontier), (0x14, 2, 1, 3, .frontier), (0x15, 1, 1, 3, .frontier),
      (0x16, 2, 1, 3, .frontier), (0x17, 2, 1, 3, .frontier), (0x18, 2, 1, 3, .frontier),
      (0x19, 1, 1, 3, .frontier), (0x1a, 2, 1, 3, .frontier), (0x1b, 2, 1, 3, .constantinople),
      (0x1c, 2, 1, 3, .constantinople), (0x1d, 2, 1, 3, .constantinople), (0x1e, 1, 1, 5, .osaka),
      (0x20, 2, 1, 30, .frontier),
      (0x30, 0, 1, 2, .frontier), (0x31, 1, 1, 20, .frontier), (0x32, 0, 1, 2, .frontier),
      (0x33, 0, 1, 2, .frontier), (0x34, 0, 1, 2, .frontier), (0x35, 1, 1, 3, .frontier),
      (0x36, 0, 1, 2, .frontier), (0x37, 3, 0, 3, .frontier), (0x38, 0, 1, 2, .frontier),
      (0x39, 3, 0, 3, .frontier), (0x3a, 0, 1, 2, .frontier), (0x3b, 1, 1, 20, .frontier),
      (0x3c, 4, 0, 20, .frontier), (0x3d, 0, 1, 2, .byzantium), (0x3e, 3, 0, 3, .byzantium),
      (0x3f, 1, 1, 400, .constantinople),
      (0x40, 1, 1, 20, .frontier), (0x41, 0, 1, 2, .frontier), (0x42, 0, 1, 2, .frontier),
      (0x43, 0, 1, 2, .frontier), (0x44, 0, 1, 2, .frontier), (0x45, 0, 1, 2, .frontier),
      (0x46, 0, 1, 2, .istanbul), (0x47, 0, 1, 5, .istanbul), (0x48, 0, 1, 2, .london),
      (0x49, 1, 1, 3, .cancun), (0x4a, 0, 1, 2, .cancun),
      (0x50, 1, 0, 2, .frontier), (0x51, 1, 1, 3, .frontier), (0x52, 2, 0, 3, .frontier),
      (0x53, 2, 0, 3, .frontier), (0x54, 1, 1, 50, .frontier), (0x55, 2, 0, 0, .frontier),
      (0x56, 1, 0, 8, .frontier), (0x57, 2, 0, 10, .frontier), (0x58, 0, 1, 2, .frontier),
      (0x59, 0, 1, 2, .frontier), (0x5a, 0, 1, 2, .frontier), (0x5b, 0, 0, 1, .frontier),
      (0x5c, 1, 1, 100, .cancun), (0x5d, 2, 0, 100, .cancun), (0x5e, 3, 0, 3, .cancun),
      (0x5f, 0, 1, 2, .shanghai),
      (0xf0, 3, 1, 32000, .frontier), (0xf1, 7, 1, 40, .frontier), (0xf2, 7, 1, 40, .frontier),
      (0xf3, 2, 0, 0, .frontier), (0xf4, 6, 1, 40, .homestead),
      (0xf5, 4, 1, 32000, .constantinople),
      (0xfa, 6, 1, 700, .byzantium), (0xfd, 2, 0, 0, .byzantium), (0xff, 1, 0, 0, .frontier),
    ]
    for n in 1...32 { rows.append((0x5f + n, 0, 1, 3, .frontier)) }  // PUSH1…PUSH32
    for n in 1...16 { rows.append((0x7f + n, n, n + 1, 3, .frontier)) }  // DUP1…DUP16
    for n in 1...16 { rows.append((0x8f + n, n + 1, n + 1, 3, .frontier)) }  // SWAP1…SWAP16
    for n in 0...4 { rows.append((0xa0 + n, 2 + n, 0, Int32(375 * (n + 1)), .frontier)) }  // LOG0…LOG4
    return rows
  }()

  @Test func everyOpcodeStackEffect() {
    var seen = Set<Int>()
    for (op, pops, pushes, _, _) in Self.table {
      seen.insert(op)
      let effect = InstructionTable.stackEffect[op]
      #expect(effect.pops == pops && effect.pushes == pushes, "0x\(String(op, radix: 16))")
    }
    #expect(seen.count == 149, "the table lists every opcode of Osaka once")
    // Every opcode not in the table is undefined in every fork.
    for op in 0..<256 where !seen.contains(op) {
      for fork in Fork.allCases {
        #expect(
          InstructionTable.forFork(fork).staticGas[op] == -1,
          "0x\(String(op, radix: 16)) in \(fork)")
      }
    }
  }

  @Test func everyOpcodeGasInItsFirstFork() {
    for (op, _, _, gas, fork) in Self.table {
      #expect(
        InstructionTable.forFork(fork).staticGas[op] == gas, "0x\(String(op, radix: 16)) in \(fork)"
      )
      if let previous = Fork(rawValue: fork.rawValue &- 1), fork != .frontier {
        #expect(
          InstructionTable.forFork(previous).staticGas[op] == -1,
          "0x\(String(op, radix: 16)) before \(fork)")
      }
    }
  }
}
