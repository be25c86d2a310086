/* ffi_struct.c — extern struct values at a C call (docs/ffi.md "Structs"):
 * a struct value is an instance of its box, whose fields hold Hako values;
 * pack copies it into C layout, converting and checking each field as an
 * argument of its C type would be, and unpack builds a new instance from C
 * bytes. Both back ends call these, so the conversions and their errors have
 * one source. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* `<param>.<field>` for messages; long names are cut, never overflowed. */
static void field_path(char* buf, size_t size, const char* param, const char* field) {
  snprintf(buf, size, "%s.%s", param, field);
}

/* A Float field takes a Float or an Int (converted), as a parameter does. */
static double float_of(reml_handle_t v, const reml_loc_t* loc) {
  if (reml_h_is_int(v)) return (double)reml_h_int_value(v);
  return reml_unbox_f64(v, loc);
}

static void pack_field(const reml_cfield_t* f, reml_handle_t v, char* at, const char* fn, const char* param,
                       const reml_loc_t* loc) {
  switch (f->kind) {
    case REML_CF_I8: case REML_CF_I16: case REML_CF_I32: case REML_CF_I64:
    case REML_CF_U8: case REML_CF_U16: case REML_CF_U32: case REML_CF_U64: {
      int64_t x = reml_unbox_i64(v, loc);
      if (x < f->min || x > f->max) {
        char path[256];
        field_path(path, sizeof path, param, f->name);
        reml_ffi_range_error(fn, path, f->ctype, x, loc);
      }
      switch (f->kind) {
        case REML_CF_I8: case REML_CF_U8: { uint8_t b = (uint8_t)x; memcpy(at, &b, 1); break; }
        case REML_CF_I16: case REML_CF_U16: { uint16_t b = (uint16_t)x; memcpy(at, &b, 2); break; }
        case REML_CF_I32: case REML_CF_U32: { uint32_t b = (uint32_t)x; memcpy(at, &b, 4); break; }
        default: memcpy(at, &x, 8); break;
      }
      return;
    }
    case REML_CF_F32: {
      float x = (float)float_of(v, loc);
      memcpy(at, &x, sizeof x);
      return;
    }
    case REML_CF_F64: {
      double x = float_of(v, loc);
      memcpy(at, &x, sizeof x);
      return;
    }
    case REML_CF_BOOL: {
      uint8_t b = reml_unbox_bool(v, loc) != 0;
      memcpy(at, &b, 1);
      return;
    }
    case REML_CF_PTR: {
      void* p = reml_ptr_unbox(v, f->ptr, loc); /* checks the type, and null for a NonNullPtr */
      memcpy(at, &p, sizeof p);
      return;
    }
    case REML_CF_STRUCT: {
      char path[256];
      field_path(path, sizeof path, param, f->name);
      reml_ffi_struct_pack(v, f->nested, at, fn, path, loc);
      return;
    }
    default: reml_internal_error("extern struct field '%s' of unknown kind %u", f->name, (unsigned)f->kind);
  }
}

void reml_ffi_struct_pack(reml_handle_t h, const reml_cstruct_type_t* type, void* out, const char* fn,
                          const char* param, const reml_loc_t* loc) {
  const reml_instance_t* obj = reml_unbox_object(h, REML_TAG_USER_BASE + type->box_index, loc);
  memset(out, 0, type->size);
  for (uint32_t i = 0; i < type->field_count; i++)
    pack_field(&type->fields[i], obj->fields[i], (char*)out + type->fields[i].offset, fn, param, loc);
}

static reml_handle_t unpack_field(const reml_cfield_t* f, const char* at, const char* fn, const reml_loc_t* loc) {
  switch (f->kind) {
    case REML_CF_I8: { int8_t x; memcpy(&x, at, 1); return reml_box_i64(x); }
    case REML_CF_I16: { int16_t x; memcpy(&x, at, 2); return reml_box_i64(x); }
    case REML_CF_I32: { int32_t x; memcpy(&x, at, 4); return reml_box_i64(x); }
    case REML_CF_I64: { int64_t x; memcpy(&x, at, 8); return reml_box_i64(x); }
    case REML_CF_U8: { uint8_t x; memcpy(&x, at, 1); return reml_box_i64(x); }
    case REML_CF_U16: { uint16_t x; memcpy(&x, at, 2); return reml_box_i64(x); }
    case REML_CF_U32: { uint32_t x; memcpy(&x, at, 4); return reml_box_i64(x); }
    case REML_CF_U64: {
      uint64_t x;
      memcpy(&x, at, 8);
      if (!reml_ffi_unsigned_fits_int(x)) reml_ffi_result_range_error(fn, x, loc);
      return reml_box_i64((int64_t)x);
    }
    case REML_CF_F32: { float x; memcpy(&x, at, 4); return reml_box_f64(x); }
    case REML_CF_F64: { double x; memcpy(&x, at, 8); return reml_box_f64(x); }
    case REML_CF_BOOL: { uint8_t x; memcpy(&x, at, 1); return reml_box_bool(x != 0); }
    case REML_CF_PTR: {
      void* p;
      memcpy(&p, at, sizeof p);
      if (p == NULL && f->ptr->flavour == REML_PTR_NONNULL) reml_ffi_null_result_error(fn, loc);
      return reml_ptr_box_new(p, f->ptr);
    }
    case REML_CF_STRUCT: return reml_ffi_struct_unpack(at, f->nested, fn, loc);
    default: reml_internal_error("extern struct field '%s' of unknown kind %u", f->name, (unsigned)f->kind);
  }
}

reml_handle_t reml_ffi_struct_unpack(const void* in, const reml_cstruct_type_t* type, const char* fn,
                                     const reml_loc_t* loc) {
  reml_instance_t* obj = reml_instance_new(type->box_index);
  for (uint32_t i = 0; i < type->field_count; i++)
    obj->fields[i] = unpack_field(&type->fields[i], (const char*)in + type->fields[i].offset, fn, loc);
  return reml_h_from_ptr(obj);
}
