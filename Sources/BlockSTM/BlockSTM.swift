/// Optimistic parallel execution over multi-version memory.
public enum BlockSTMModule {}
