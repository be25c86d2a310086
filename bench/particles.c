/* Benchmark: a particle simulation — the C twin of particles.hako. As in
 * Hako, every step allocates the particle's new position (and a new velocity
 * at a wall) and frees the old one. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define STEPS 6000

typedef struct {
  int64_t x;
  int64_t y;
} Vec;

typedef struct {
  Vec* pos;
  Vec* vel;
} Particle;

static void* checked(void* p) {
  if (!p) {
    fputs("out of memory\n", stderr);
    exit(1);
  }
  return p;
}

static Vec* vec_new(int64_t x, int64_t y) {
  Vec* v = checked(malloc(sizeof *v));
  v->x = x;
  v->y = y;
  return v;
}

static Vec* vec_add(const Vec* a, const Vec* o) { return vec_new(a->x + o->x, a->y + o->y); }

/* Replaces *slot by v, freeing the old box. */
static void vec_store(Vec** slot, Vec* v) {
  free(*slot);
  *slot = v;
}

/* Moves one step; gives the number of walls hit (0, 1 or 2). */
static int64_t particle_step(Particle* p, int64_t size) {
  vec_store(&p->pos, vec_add(p->pos, p->vel));
  int64_t hits = 0;
  if (p->pos->x < 0 || p->pos->x >= size) {
    vec_store(&p->vel, vec_new(0 - p->vel->x, p->vel->y));
    hits = hits + 1;
  }
  if (p->pos->y < 0 || p->pos->y >= size) {
    vec_store(&p->vel, vec_new(p->vel->x, 0 - p->vel->y));
    hits = hits + 1;
  }
  return hits;
}

int main(void) {
  const int64_t steps = STEPS;
  const int64_t particles = 2000;
  const int64_t size = 10000;
  Particle* all = checked(malloc((size_t)particles * sizeof *all));
  int64_t x = 12345;
  for (int64_t i = 0; i < particles; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    int64_t px = (x / 16) % size;
    x = (x * 1103515245 + 12345) % 2147483648;
    int64_t py = (x / 16) % size;
    x = (x * 1103515245 + 12345) % 2147483648;
    int64_t vx = (x / 16) % 201 - 100;
    x = (x * 1103515245 + 12345) % 2147483648;
    int64_t vy = (x / 16) % 201 - 100;
    all[i].pos = vec_new(px, py);
    all[i].vel = vec_new(vx, vy);
  }
  int64_t hits = 0;
  for (int64_t s = 0; s < steps; s++) {
    for (int64_t i = 0; i < particles; i++) hits = hits + particle_step(&all[i], size);
  }
  int64_t sum = 0;
  for (int64_t i = 0; i < particles; i++) {
    const Particle* p = &all[i];
    sum = sum + (p->pos->x * 7 + p->pos->y * 3 + p->vel->x + p->vel->y) * (i + 1);
  }
  printf("%lld\n%lld\n", (long long)hits, (long long)sum);
  for (int64_t i = 0; i < particles; i++) {
    free(all[i].pos);
    free(all[i].vel);
  }
  free(all);
  return 0;
}
