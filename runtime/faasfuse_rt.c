/* stub */ int __faasfuse_stub;
