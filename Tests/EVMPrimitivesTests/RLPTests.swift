import BigInt
import EVMPrimitives
import Foundation
import TestSupport
import Testing

@Suite struct RLPTests {
  /// The test-suite's `in` value as an item: strings are UTF-8 (`#` + decimal
  /// is a big integer), numbers are integers, arrays are lists.
  static func item(fromJSON value: Any) -> RLP.Item? {
    if let text = value as? String {
      if text.hasPrefix("#") {
        guard let number = BigUInt(String(text.dropFirst()), radix: 10) else { return nil }
        return .bytes(Array(number.serialize()))
      }
      return .bytes(Array(text.utf8))
    }
    if let array = value as? [Any] {
      var items: [RLP.Item] = []
      for element in array {
        guard let item = item(fromJSON: element) else { return nil }
        items.append(item)
      }
      return .list(items)
    }
    if let number = value as? NSNumber {
      return .bytes(UInt256(number.uint64Value).minimalBigEndianBytes)
    }
    return nil
  }

  static func cases(_ relative: String) throws -> [(name: String, input: Any, output: [UInt8])] {
    let url = SharedFixtures.path("ethereum-tests/RLPTests").appendingPathComponent(relative)
    let json = try #require(try SharedFixtures.loadJSON(url) as? [String: Any])
    var result: [(String, Any, [UInt8])] = []
    for (name, body) in json.sorted(by: { $0.key < $1.key }) {
      let test = try #require(body as? [String: Any])
      let outText = try #require(test["out"] as? String)
      let out = try #require(Hex.decode(outText))
      result.append((name, try #require(test["in"]), out))
    }
    return result
  }

  @Test func conformance() throws {
    var passed = 0
    var failed = 0
    func check(_ ok: Bool, _ name: String) {
      if ok { passed += 1 } else { failed += 1 }
      #expect(ok, "\(name)")
    }

    // Valid encodings: encode(in) == out and decode(out) re-encodes to out.
    for (name, input, out) in try Self.cases("rlptest.json") {
      let item = Self.item(fromJSON: input)
      let encoded = item.map(RLP.encode)
      let reencoded = (try? RLP.decode(out)).map(RLP.encode)
      check(encoded == out && reencoded == out, "rlptest \(name)")
    }
    // Invalid encodings must throw.
    for (name, _, out) in try Self.cases("invalidRLPTest.json") {
      var threw = false
      do { _ = try RLP.decode(out) } catch { threw = true }
      check(threw, "invalid \(name)")
    }
    // Random valid encodings: decode succeeds and re-encodes to the same bytes.
    let randomDirectory = SharedFixtures.path("ethereum-tests/RLPTests/RandomRLPTests")
    let randomFiles = SharedFixtures.jsonFiles(under: randomDirectory)
    #expect(!randomFiles.isEmpty)
    for file in randomFiles {
      for (name, input, out) in try Self.cases("RandomRLPTests/" + file.lastPathComponent) {
        #expect(input as? String == "VALID")
        let reencoded = (try? RLP.decode(out)).map(RLP.encode)
        check(reencoded == out, "random \(name)")
      }
    }
    reportSuite("RLPTests", passed: passed, failed: failed)
    #expect(passed >= 28 + 26 + 1)
    #expect(failed == 0)
  }

  /// Truncated and corrupted encodings throw (or decode) but never trap.
  @Test func truncationAndCorruption() throws {
    var generator = SystemRandomNumberGenerator()
    for (name, _, out) in try Self.cases("rlptest.json") {
      for length in 0..<out.count {
        #expect(throws: RLPError.self, "\(name) prefix \(length)") {
          try RLP.decode(out[..<length])
        }
      }
      for _ in 0..<64 {
        var corrupted = out
        corrupted[Int.random(in: 0..<out.count, using: &generator)] = UInt8.random(
          in: 0...255, using: &generator)
        if let item = try? RLP.decode(corrupted) {
          #expect(RLP.encode(item) == corrupted, "\(name) corrupted round trip")
        }
      }
    }
  }

  @Test func encoderScalars() {
    var e = RLPEncoder()
    e.append(UInt64(0))
    e.append(UInt64(0x7f))
    e.append(UInt64(0x80))
    e.append(UInt64(0x0102_0304_0506_0708))
    e.append(UInt256.zero)
    e.append(UInt256(w0: 1, w1: 0, w2: 0, w3: 0x100))
    #expect(
      Hex.encode(e.bytes)
        == "0x807f8180880102030405060708" + "80" + "9a" + "0100"
        + String(repeating: "00", count: 16)
        + "0000000000000001")
    var e2 = RLPEncoder()
    e2.append(Address(hex: "0x00000000000000000000000000000000000000ff")!)
    e2.append(Bytes32.zero)
    #expect(e2.bytes.count == 21 + 33)
    #expect(e2.bytes[0] == 0x94 && e2.bytes[20] == 0xff && e2.bytes[21] == 0xa0)
  }

  @Test func uint256MatchesMinimalBytes() throws {
    let values: [UInt256] = [
      0, 1, 0x7f, 0x80, 0xff, 0x100, UInt256(w0: 0, w1: 1, w2: 0, w3: 0), .max,
      UInt256(w0: 5, w1: 0, w2: 0, w3: 0x00ff_0000_0000_0000),
    ]
    for value in values {
      var e = RLPEncoder()
      e.append(value)
      #expect(e.bytes == RLP.encode(.bytes(value.minimalBigEndianBytes)))
      var reader = RLPReader(e.bytes)
      #expect(try reader.readUInt256() == value)
      try reader.finish()
    }
  }

  @Test func longListsAndNesting() throws {
    // A list crossing the 56-byte boundary, nested in another long list.
    var e = RLPEncoder()
    e.appendList { outer in
      for i in 0..<3 {
        outer.appendList { inner in
          for j in 0..<30 { inner.append(UInt64(i * 1000 + j + 200)) }
        }
      }
      outer.append(bytes: [UInt8](repeating: 0xaa, count: 300))
    }
    let item = RLP.Item.list(
      (0..<3).map { i in
        .list(
          (0..<30).map { j in .bytes(UInt256(UInt64(i * 1000 + j + 200)).minimalBigEndianBytes) })
      } + [.bytes([UInt8](repeating: 0xaa, count: 300))])
    #expect(e.bytes == RLP.encode(item))
    #expect(try RLP.decode(e.bytes) == item)
  }

  @Test func readerTypedReads() throws {
    // A legacy-transaction-shaped list.
    let to = Address(hex: "0x3535353535353535353535353535353535353535")!
    var e = RLPEncoder()
    e.appendList { l in
      l.append(UInt64(9))
      l.append(UInt256(20_000_000_000))
      l.append(UInt64(21000))
      l.append(to)
      l.append(UInt256(1_000_000_000_000_000_000))
      l.append(bytes: [UInt8]())
      l.append(UInt64(37))
      l.append(Bytes32(word: UInt256(w0: 1, w1: 2, w2: 3, w3: 4)))
    }
    var outer = RLPReader(e.bytes)
    #expect(outer.peekIsList)
    let raw = try RLPReader(e.bytes).readRawItemCopy()
    #expect(raw == e.bytes)
    var r = try outer.readList()
    try outer.finish()
    #expect(try r.readUInt64() == 9)
    #expect(try r.readUInt256() == UInt256(20_000_000_000))
    #expect(try r.readUInt64() == 21000)
    #expect(try r.readAddress() == to)
    #expect(try r.readUInt256() == UInt256(1_000_000_000_000_000_000))
    #expect(try r.readBytes().isEmpty)
    #expect(try r.readUInt64() == 37)
    #expect(try r.readBytes32() == Bytes32(word: UInt256(w0: 1, w1: 2, w2: 3, w3: 4)))
    #expect(r.isAtEnd)
    #expect(throws: RLPError.unexpectedEnd) { try r.readBytes() }
  }

  @Test func strictness() {
    func error(_ hex: String, _ read: (inout RLPReader) throws -> Void) -> RLPError? {
      var r = RLPReader(Hex.decode(hex)!)
      do {
        try read(&r)
        try r.finish()
        return nil
      } catch { return error as? RLPError }
    }
    #expect(error("8100") { _ = try $0.readBytes() } == .nonCanonicalSingleByte)
    #expect(error("b80161") { _ = try $0.readBytes() } == .nonCanonicalSize)
    #expect(error("b9003861") { _ = try $0.readBytes() } == .leadingZeroInLength)
    #expect(error("8261") { _ = try $0.readBytes() } == .unexpectedEnd)
    #expect(error("bfffffffffffffffff") { _ = try $0.readBytes() } == .lengthOverflow)
    #expect(error("bf7fffffffffffffff00") { _ = try $0.readBytes() } == .unexpectedEnd)
    #expect(error("ff7fffffffffffffff00") { _ = try $0.readList() } == .unexpectedEnd)
    #expect(error("b8") { _ = try $0.readBytes() } == .unexpectedEnd)
    #expect(error("c0") { _ = try $0.readBytes() } == .expectedBytes)
    #expect(error("80") { _ = try $0.readList() } == .expectedList)
    #expect(error("8080") { _ = try $0.readBytes() } == .trailingBytes)
    #expect(error("00") { _ = try $0.readUInt64() } == .leadingZeroInInteger)
    #expect(error("820001") { _ = try $0.readUInt256() } == .leadingZeroInInteger)
    #expect(error("89010203040506070809") { _ = try $0.readUInt64() } == .integerOverflow)
    #expect(
      error("a1" + String(repeating: "11", count: 33)) { _ = try $0.readUInt256() }
        == .integerOverflow)
    #expect(error("8101") { _ = try $0.readBytes() } == .nonCanonicalSingleByte)
    #expect(error("83aabbcc") { _ = try $0.readAddress() } == .wrongLength(expected: 20, actual: 3))
    #expect(error("c3c2c180") { _ = try $0.skipItem() } == nil)
    // Deep nesting throws rather than exhausting the stack.
    var deep = [UInt8](repeating: 0xc0, count: 1)
    for _ in 0..<5000 {
      let n = deep.count
      deep = (n < 56 ? [0xc0 + UInt8(n)] : [0xf7 + 2, UInt8(n >> 8), UInt8(n & 0xff)]) + deep
      if n >= 256 * 255 { break }
    }
    #expect(throws: RLPError.self) { try RLP.decode(deep) }
  }
}

extension RLPReader {
  fileprivate func readRawItemCopy() throws(RLPError) -> [UInt8] {
    var copy = self
    return Array(try copy.readRawItem())
  }
}
