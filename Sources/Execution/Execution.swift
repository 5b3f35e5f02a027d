/// Transaction processing and block execution, generic over the state view.
public enum ExecutionModule {}
