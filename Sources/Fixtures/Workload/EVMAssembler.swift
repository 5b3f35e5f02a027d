import EVMPrimitives

/// Why a piece of EVM assembly does not assemble: the line and the reason.
public struct AssemblyError: Error, CustomStringConvertible, Sendable {
  /// 1-based line number in the source.
  public var line: Int
  /// What is wrong with it.
  public var reason: String

  /// "line N: reason".
  public var description: String { "line \(line): \(reason)" }
}

/// A two-pass assembler for the small EVM assembly dialect the workload
/// contracts are written in.
///
/// The dialect:
/// - one or more instructions per line, separated by spaces; `;` starts a
///   comment that runs to the end of the line;
/// - mnemonics as in the Yellow Paper and EIPs (`KECCAK256`, alias `SHA3`;
///   `PREVRANDAO`, alias `DIFFICULTY`), case-insensitive;
/// - `PUSHn` takes the next word as its operand: a hex (`0x…`) or decimal
///   number that must fit in n bytes (it is left-padded), or `@label`, the
///   byte offset of a label (which must then fit in n bytes);
/// - `name:` defines a label at the current offset. A label emits nothing:
///   a jump target still needs its `JUMPDEST`.
public enum EVMAssembler {
  /// Assembles `source` into bytecode.
  public static func assemble(_ source: String) throws(AssemblyError) -> [UInt8] {
    // Pass 1: tokens and label offsets.
    enum Item {
      case op(UInt8)
      case push(size: Int, value: [UInt8])
      case pushLabel(size: Int, label: String, line: Int)
    }
    var items: [Item] = []
    var labels: [String: Int] = [:]
    var offset = 0
    for (index, rawLine) in source.split(separator: "\n", omittingEmptySubsequences: false)
      .enumerated()
    {
      let line = index + 1
      let code =
        rawLine.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
      var words = code.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(
        String.init)
      while !words.isEmpty {
        let word = words.removeFirst()
        if word.hasSuffix(":") {
          let name = String(word.dropLast())
          guard !name.isEmpty, labels[name] == nil else {
            throw AssemblyError(line: line, reason: "empty or duplicate label \"\(word)\"")
          }
          labels[name] = offset
          continue
        }
        let mnemonic = word.uppercased()
        guard let opcode = opcodes[mnemonic] else {
          throw AssemblyError(line: line, reason: "unknown mnemonic \"\(word)\"")
        }
        guard opcode >= 0x60, opcode <= 0x7f else {
          items.append(.op(opcode))
          offset += 1
          continue
        }
        let size = Int(opcode - 0x5f)
        guard !words.isEmpty else {
          throw AssemblyError(line: line, reason: "\(mnemonic) needs an operand")
        }
        let operand = words.removeFirst()
        if operand.hasPrefix("@") {
          items.append(.pushLabel(size: size, label: String(operand.dropFirst()), line: line))
        } else {
          guard let value = parseNumber(operand) else {
            throw AssemblyError(line: line, reason: "bad operand \"\(operand)\"")
          }
          guard value.count <= size else {
            throw AssemblyError(
              line: line, reason: "operand \"\(operand)\" does not fit in \(size) bytes")
          }
          items.append(
            .push(size: size, value: [UInt8](repeating: 0, count: size - value.count) + value))
        }
        offset += 1 + size
      }
    }
    // Pass 2: bytes.
    var bytes: [UInt8] = []
    bytes.reserveCapacity(offset)
    for item in items {
      switch item {
      case .op(let opcode):
        bytes.append(opcode)
      case .push(let size, let value):
        bytes.append(0x5f + UInt8(size))
        bytes += value
      case .pushLabel(let size, let label, let line):
        guard let target = labels[label] else {
          throw AssemblyError(line: line, reason: "undefined label \"\(label)\"")
        }
        let value = UInt256(UInt64(target)).minimalBigEndianBytes
        guard value.count <= size else {
          throw AssemblyError(
            line: line, reason: "label \"\(label)\" (\(target)) does not fit in \(size) bytes")
        }
        bytes.append(0x5f + UInt8(size))
        bytes += [UInt8](repeating: 0, count: size - value.count) + value
      }
    }
    return bytes
  }

  /// One line per instruction, "offset: MNEMONIC operand", for listings and
  /// debugging. Bytes that are not opcodes print as `INVALID(0x..)`.
  public static func disassemble(_ code: [UInt8]) -> [String] {
    var lines: [String] = []
    var pc = 0
    while pc < code.count {
      let opcode = code[pc]
      let name = mnemonics[Int(opcode)] ?? "INVALID(\(Hex.encode([opcode])))"
      let offsetText = String(pc, radix: 16)
      var line =
        String(repeating: "0", count: max(0, 4 - offsetText.count)) + offsetText + ": " + name
      if opcode >= 0x60, opcode <= 0x7f {
        let size = Int(opcode - 0x5f)
        let end = min(code.count, pc + 1 + size)
        line += " " + Hex.encode(code[(pc + 1)..<end])
        pc = end
      } else {
        pc += 1
      }
      lines.append(line)
    }
    return lines
  }

  /// A hex (`0x…`) or decimal number as minimal big-endian bytes.
  static func parseNumber(_ text: String) -> [UInt8]? {
    guard let value = UInt256(hexOrDecimal: text) else { return nil }
    return value.minimalBigEndianBytes
  }

  /// Opcode by mnemonic, the Cancun instruction set.
  static let opcodes: [String: UInt8] = {
    var table: [String: UInt8] = [:]
    for (opcode, name) in mnemonics.enumerated() {
      if let name { table[name] = UInt8(opcode) }
    }
    table["SHA3"] = 0x20
    table["DIFFICULTY"] = 0x44
    return table
  }()

  /// Mnemonic by opcode (nil where no instruction is defined).
  static let mnemonics: [String?] = {
    var names = [String?](repeating: nil, count: 256)
    let fixed: [(UInt8, [String])] = [
      (
        0x00,
        [
          "STOP", "ADD", "MUL", "SUB", "DIV", "SDIV", "MOD", "SMOD", "ADDMOD", "MULMOD", "EXP",
          "SIGNEXTEND",
        ]
      ),
      (
        0x10,
        [
          "LT", "GT", "SLT", "SGT", "EQ", "ISZERO", "AND", "OR", "XOR", "NOT", "BYTE", "SHL", "SHR",
          "SAR",
        ]
      ),
      (0x20, ["KECCAK256"]),
      (
        0x30,
        [
          "ADDRESS", "BALANCE", "ORIGIN", "CALLER", "CALLVALUE", "CALLDATALOAD", "CALLDATASIZE",
          "CALLDATACOPY",
          "CODESIZE", "CODECOPY", "GASPRICE", "EXTCODESIZE", "EXTCODECOPY", "RETURNDATASIZE",
          "RETURNDATACOPY",
          "EXTCODEHASH",
        ]
      ),
      (
        0x40,
        [
          "BLOCKHASH", "COINBASE", "TIMESTAMP", "NUMBER", "PREVRANDAO", "GASLIMIT", "CHAINID",
          "SELFBALANCE",
          "BASEFEE", "BLOBHASH", "BLOBBASEFEE",
        ]
      ),
      (
        0x50,
        [
          "POP", "MLOAD", "MSTORE", "MSTORE8", "SLOAD", "SSTORE", "JUMP", "JUMPI", "PC", "MSIZE",
          "GAS", "JUMPDEST",
          "TLOAD", "TSTORE", "MCOPY", "PUSH0",
        ]
      ),
      (0xa0, ["LOG0", "LOG1", "LOG2", "LOG3", "LOG4"]),
      (0xf0, ["CREATE", "CALL", "CALLCODE", "RETURN", "DELEGATECALL", "CREATE2"]),
      (0xfa, ["STATICCALL"]),
      (0xfd, ["REVERT", "INVALID", "SELFDESTRUCT"]),
    ]
    for (start, list) in fixed {
      for (i, name) in list.enumerated() { names[Int(start) + i] = name }
    }
    for n in 1...32 { names[0x5f + n] = "PUSH\(n)" }
    for n in 1...16 {
      names[0x7f + n] = "DUP\(n)"
      names[0x8f + n] = "SWAP\(n)"
    }
    return names
  }()
}
