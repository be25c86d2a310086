# Benchmark: naive recursive Fibonacci, fib(35) — the Python twin of fib.hako.
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


print(fib(35))
