"""Backend of the city trade-union federation's WeChat mini-program."""
