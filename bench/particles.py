# Benchmark: a particle simulation — the Python twin of particles.hako.
STEPS = 6000


class Vec:
    __slots__ = ("x", "y")

    def __init__(self, x, y):
        self.x = x
        self.y = y

    def add(self, o):
        return Vec(self.x + o.x, self.y + o.y)


class Particle:
    __slots__ = ("pos", "vel")

    def __init__(self, pos, vel):
        self.pos = pos
        self.vel = vel

    # Moves one step; gives the number of walls hit (0, 1 or 2).
    def step(self, size):
        self.pos = self.pos.add(self.vel)
        hits = 0
        if self.pos.x < 0 or self.pos.x >= size:
            self.vel = Vec(0 - self.vel.x, self.vel.y)
            hits = hits + 1
        if self.pos.y < 0 or self.pos.y >= size:
            self.vel = Vec(self.vel.x, 0 - self.vel.y)
            hits = hits + 1
        return hits


def main():
    steps = STEPS
    particles = 2000
    size = 10000
    all_ = []
    x = 12345
    i = 0
    while i < particles:
        x = (x * 1103515245 + 12345) % 2147483648
        px = (x // 16) % size
        x = (x * 1103515245 + 12345) % 2147483648
        py = (x // 16) % size
        x = (x * 1103515245 + 12345) % 2147483648
        vx = (x // 16) % 201 - 100
        x = (x * 1103515245 + 12345) % 2147483648
        vy = (x // 16) % 201 - 100
        all_.append(Particle(Vec(px, py), Vec(vx, vy)))
        i = i + 1
    hits = 0
    s = 0
    while s < steps:
        i = 0
        while i < particles:
            hits = hits + all_[i].step(size)
            i = i + 1
        s = s + 1
    total = 0
    i = 0
    while i < particles:
        p = all_[i]
        total = total + (p.pos.x * 7 + p.pos.y * 3 + p.vel.x + p.vel.y) * (i + 1)
        i = i + 1
    print(hits)
    print(total)


main()
