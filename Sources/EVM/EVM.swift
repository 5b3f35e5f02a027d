/// The interpreter: opcodes, gas, forks, precompiles, generic over the state it reads.
public enum EVMModule {}
