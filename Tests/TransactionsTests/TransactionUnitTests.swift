import EVMCrypto
import EVMPrimitives
import Testing
import Transactions

/// Vectors produced with the execution specs (`ethereum-execution` 2.20.0,
/// Prague `transactions.py` / `eoa_delegation.py`) and coincurve, all signed
/// by the private key 0x4646…46, whose address is 0x9d8a…5a4f.
@Suite struct TransactionUnitTests {
  let signer = Address(hex: "9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f")!
  let recipient = Address(hex: "3535353535353535353535353535353535353535")!

  func decode(_ hex: String) throws -> Transaction {
    try Transaction.decode(try #require(Hex.decode(hex)))
  }

  @Test func eip155Example() throws {
    // The worked example of EIP-155.
    let hex =
      "f86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a7640000"
      + "8025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f"
      + "761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83"
    let tx = try decode(hex)
    #expect(tx.type == .legacy && tx.chainId == 1 && tx.nonce == 9 && tx.gasLimit == 21_000)
    #expect(tx.to == recipient && tx.v == 37)
    #expect(
      tx.signingHash()
        == Bytes32(hex: "daf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53"))
    #expect(try tx.recoverSender(fork: .spuriousDragon) == signer)
    #expect(try tx.recoverSender(fork: .cancun) == signer)
    // EIP-155 signatures are not valid before Spurious Dragon, nor for another chain.
    #expect(throws: TransactionValidationError.self) { try tx.recoverSender(fork: .homestead) }
    #expect(throws: TransactionValidationError.invalidChainId(expected: 5, found: 37)) {
      try tx.recoverSender(fork: .cancun, chainId: 5)
    }
    #expect(Hex.encode(tx.encoded(), prefix: false) == hex)
    #expect(try tx.validate(fork: .cancun) == IntrinsicGas(cost: 21_000, floor: 0))
  }

  @Test func dynamicFeeTransaction() throws {
    let tx = try decode(
      "02f8d3010784773594008506fc23ac00830186a0943535353535353535353535353535353535353535880de0"
        + "b6b3a764000083000102f85bf859943535353535353535353535353535353535353535f842a0000000000000"
        + "0000000000000000000000000000000000000000000000000001a02222222222222222222222222222222222"
        + "22222222222222222222222222222280a0ff76941a36534aa72e6b4c1cbfe5713c53d0df21c8d629d3da1279"
        + "7bcce42e50a054e74a9e1d8d055acbc0e0846296d4ef5676f950f7d5fc0815466affc68a1016")
    #expect(tx.type == .dynamicFee && tx.chainId == 1 && tx.nonce == 7)
    #expect(tx.maxPriorityFeePerGas == 2_000_000_000 && tx.maxFeePerGas == 30_000_000_000)
    #expect(
      tx.accessList.count == 1
        && tx.accessList[0].storageKeys == [
          1, UInt256(hex: "22" + String(repeating: "22", count: 31))!,
        ])
    #expect(
      tx.hash == Bytes32(hex: "1a75a4786d5feda4c43cfa6242a87bdd8d9cac78ab1d5acfcbd4c2d173695c62"))
    #expect(try tx.recoverSender(fork: .london) == signer)
    #expect(throws: TransactionValidationError.typeNotSupported(.dynamicFee, .berlin)) {
      try tx.recoverSender(fork: .berlin)
    }
    // 21000 + 4 + 2·16 + 2400 + 2·1900; Prague prices the same data in tokens, floor 21000 + 10·9.
    #expect(tx.intrinsicGas(fork: .london) == IntrinsicGas(cost: 27_236, floor: 0))
    #expect(tx.intrinsicGas(fork: .prague) == IntrinsicGas(cost: 27_236, floor: 21_090))
    #expect(try Transaction.decode(tx.encoded()) == tx)
  }

  @Test func blobTransaction() throws {
    let tx = try decode(
      "03f8850101016482c3509435353535353535353535353535353535353535358080c005e1a001aaaaaaaaaaaa"
        + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa80a08ad9a9cc0916b4ffe5066c93b34359a7"
        + "7e8f32997ae59a659dd3966b61d03ee4a008ec05d66aab7b85d128322f0557ea5fb8c24a25e655be7ae194"
        + "8f939a1adb5b")
    #expect(tx.type == .blob && tx.maxFeePerBlobGas == 5 && tx.blobVersionedHashes.count == 1)
    #expect(
      tx.hash == Bytes32(hex: "9ef4e676c3c64710c825a0d691b384644204ec3aec283c21e4553b3881ddd0b5"))
    #expect(try tx.recoverSender(fork: .cancun) == signer)
    #expect(throws: TransactionValidationError.self) { try tx.recoverSender(fork: .shanghai) }
    #expect(try tx.validate(fork: .cancun).cost == 21_000)
    var noBlobs = tx
    noBlobs.blobVersionedHashes = []
    #expect(throws: TransactionValidationError.noBlobs) { try noBlobs.validate(fork: .cancun) }
    var badVersion = tx
    badVersion.blobVersionedHashes = [Bytes32(word: 1)]
    #expect(throws: TransactionValidationError.invalidBlobVersionedHash(index: 0)) {
      try badVersion.validate(fork: .cancun)
    }
  }

  @Test func setCodeTransactionAndAuthority() throws {
    let tx = try decode(
      "04f8c201020164830138809435353535353535353535353535353535353535358081ffc0f85cf85a0194353535"
        + "35353535353535353535353535353535350380a0f15614000fa7b3ec673d4ea166e43217be280e34fb9f8458"
        + "970ab8a41ab41765a0572f93ad7f143655d0dc928f93c09ed65d5ff3c96ded2ea6b1e5df1ce9a2469401a057"
        + "698a453b1d56d5aca3423d6b34577deaef5086230831b393c33f2ac1652402a057ae72e8f21451dc750f721e"
        + "3363d0f341a27f700d0cb3461fb81c32df4b89e2")
    #expect(tx.type == .setCode && tx.authorizationList.count == 1)
    let auth = tx.authorizationList[0]
    #expect(auth.chainId == 1 && auth.address == recipient && auth.nonce == 3 && auth.yParity == 0)
    #expect(
      auth.signingHash
        == Bytes32(hex: "7db545be0a99c87ccedde8744f0c705d925d08f3f65770fecb03244913b04243"))
    #expect(auth.authority() == signer)
    var badParity = auth
    badParity.yParity = 2
    #expect(badParity.authority() == nil)
    var highS = auth
    highS.s = Secp256k1.halfN
    highS.s.w0 += 1
    #expect(highS.authority() == nil)
    #expect(
      tx.hash == Bytes32(hex: "54f94d16b91b663763b8cfb30a6127c44f5f563d0e13eae246bb97d52c146480"))
    #expect(try tx.recoverSender(fork: .prague) == signer)
    #expect(throws: TransactionValidationError.self) { try tx.recoverSender(fork: .cancun) }
    #expect(try tx.validate(fork: .prague) == IntrinsicGas(cost: 46_016, floor: 21_040))
    var empty = tx
    empty.authorizationList = []
    #expect(throws: TransactionValidationError.emptyAuthorizationList) {
      try empty.validate(fork: .prague)
    }
  }

  @Test func signedRoundTripForEveryType() throws {
    let key = [UInt8](repeating: 0x46, count: 32)
    for type in [TransactionType.legacy, .accessList, .dynamicFee] {
      var tx = Transaction(
        type: type, chainId: 1, nonce: 1, gasPrice: 10, maxPriorityFeePerGas: 10,
        maxFeePerGas: 10, gasLimit: 60_000, to: nil, value: 3, data: [0x60, 0x00],
        accessList: type == .legacy ? [] : [AccessListEntry(address: recipient, storageKeys: [])])
      let signature = try #require(Secp256k1.sign(hash: tx.signingHash(), privateKey: key))
      tx.r = signature.r
      tx.s = signature.s
      tx.v = UInt256(UInt64(signature.recoveryId) + (type == .legacy ? 37 : 0))
      let decoded = try Transaction.decode(tx.encoded())
      #expect(decoded == tx)
      #expect(try decoded.recoverSender(fork: .cancun) == signer)
    }
  }

  @Test func creationIntrinsicGasByFork() {
    let tx = Transaction(
      type: .legacy, gasLimit: 100_000, data: [0, 1] + [UInt8](repeating: 0, count: 31))
    // Frontier: no creation surcharge; 32 zero bytes·4 + 1 non-zero·68.
    #expect(tx.intrinsicGas(fork: .frontier).cost == 21_000 + 128 + 68)
    #expect(tx.intrinsicGas(fork: .homestead).cost == 53_000 + 128 + 68)
    #expect(tx.intrinsicGas(fork: .istanbul).cost == 53_000 + 128 + 16)
    // Shanghai adds 2 per init-code word: 33 bytes are 2 words.
    #expect(tx.intrinsicGas(fork: .shanghai).cost == 53_000 + 128 + 16 + 4)
  }

  @Test func staticValidity() {
    var tx = Transaction(
      type: .dynamicFee, chainId: 1, maxPriorityFeePerGas: 2, maxFeePerGas: 1, gasLimit: 21_000,
      to: recipient)
    #expect(throws: TransactionValidationError.priorityFeeGreaterThanMaxFee) {
      try tx.validate(fork: .london)
    }
    tx.maxPriorityFeePerGas = 1
    #expect(throws: Never.self) { try tx.validate(fork: .london) }
    tx.gasLimit = 20_999
    #expect(
      throws: TransactionValidationError.intrinsicGasTooLow(gasLimit: 20_999, required: 21_000)
    ) {
      try tx.validate(fork: .london)
    }
    tx.gasLimit = 2
    tx.maxFeePerGas = UInt256(w0: 0, w1: 0, w2: 0, w3: 1 << 63)
    #expect(throws: TransactionValidationError.self) { try tx.validate(fork: .london) }
    tx.gasLimit = 30_000_000
    tx.maxFeePerGas = 1
    #expect(throws: Never.self) { try tx.validate(fork: .prague) }
    #expect(throws: TransactionValidationError.gasLimitAboveCap(gasLimit: 30_000_000, cap: 1 << 24))
    {
      try tx.validate(fork: .osaka)
    }
    tx.gasLimit = 100_000
    tx.nonce = .max
    #expect(throws: TransactionValidationError.nonceOverflow) { try tx.validate(fork: .london) }
    var create = Transaction(
      type: .legacy, gasLimit: 10_000_000, data: [UInt8](repeating: 1, count: 49_153))
    #expect(throws: Never.self) { try create.validate(fork: .paris) }
    #expect(throws: TransactionValidationError.initCodeTooLarge(size: 49_153, limit: 49_152)) {
      try create.validate(fork: .shanghai)
    }
    create.data.removeLast()
    #expect(throws: Never.self) { try create.validate(fork: .shanghai) }
  }

  @Test func decodingErrors() {
    #expect(throws: TransactionDecodingError.empty) { try Transaction.decode([UInt8]()) }
    #expect(throws: TransactionDecodingError.unsupportedType(5)) {
      try Transaction.decode([5, 0xc0])
    }
    #expect(throws: TransactionDecodingError.unsupportedType(0)) {
      try Transaction.decode([0, 0xc0])
    }
    #expect(throws: TransactionDecodingError.wrongFieldCount(.dynamicFee, expected: 12, found: 0)) {
      try Transaction.decode([2, 0xc0])
    }
    #expect(throws: TransactionDecodingError.wrongFieldCount(.legacy, expected: 9, found: 0)) {
      try Transaction.decode([0xc0])
    }
    #expect(throws: TransactionDecodingError.trailingBytes) {
      try Transaction.decode([0xc0, 0x00])
    }
    let description = TransactionDecodingError.leadingZeros(field: "nonce").description
    #expect(description.contains("nonce") && description.contains("leading zero"))
  }
}

@Suite struct BlockBodyEncodingTests {
  @Test func blockBodyRoundTrip() throws {
    let legacy = Transaction(
      type: .legacy, nonce: 1, gasPrice: 2, gasLimit: 21_000, to: .zero, v: 27, r: 1, s: 1)
    let typed = Transaction(
      type: .dynamicFee, chainId: 1, nonce: 1, maxPriorityFeePerGas: 1, maxFeePerGas: 2,
      gasLimit: 21_000, to: .zero, v: 1, r: 1, s: 1)
    var encoder = RLPEncoder()
    encoder.appendList { list in
      legacy.append(to: &list)
      typed.append(to: &list)
    }
    var outer = RLPReader(encoder.bytes)
    var list = try outer.readList()
    #expect(list.peekIsList)
    #expect(try Transaction.decode(blockBodyItem: &list) == legacy)
    #expect(!list.peekIsList)
    #expect(try Transaction.decode(blockBodyItem: &list) == typed)
    #expect(list.isAtEnd)
  }
}
