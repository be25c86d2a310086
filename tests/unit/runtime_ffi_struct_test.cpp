// Extern struct values in the runtime (reml_runtime.h, "Extern structs";
// docs/ffi.md "Structs"): reml_ffi_struct_pack copies a struct's box into C
// layout with each field converted and checked, reml_ffi_struct_unpack builds
// a new box from C bytes, nested structs and pointers included. The layouts
// here are those of the C structs below, which the compiler would compute.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "reml_runtime.h"

namespace {

struct Inner {
  int16_t a;
  double d;
  const void* p;
};
struct Outer {
  uint8_t tag;
  Inner inner;
  bool flag;
};

const reml_loc_t kLoc = {"t.hako", 4, 2};
const reml_ptr_type_t kPtrVoid = {"Ptr<void>", "void", REML_PTR_CONST};
const reml_ptr_type_t kNonNullVoid = {"NonNullPtr<void>", "void", REML_PTR_NONNULL};

const char* const kInnerNames[] = {"a", "d", "p"};
const char* const kOuterNames[] = {"tag", "inner", "flag"};
const reml_box_type_t kBoxes[] = {{"Inner", 3, kInnerNames, 0, nullptr, 0, nullptr, nullptr}, {"Outer", 3, kOuterNames, 0, nullptr, 0, nullptr, nullptr}};

// The integer ranges are those of the compiler's C type table (ctypes.def).
const reml_cfield_t kInnerFields[] = {
    {"a", "i16", REML_CF_I16, offsetof(Inner, a), INT16_MIN, INT16_MAX, nullptr, nullptr},
    {"d", "f64", REML_CF_F64, offsetof(Inner, d), 0, 0, nullptr, nullptr},
    {"p", "Ptr<void>", REML_CF_PTR, offsetof(Inner, p), 0, 0, &kPtrVoid, nullptr},
};
const reml_cstruct_type_t kInner = {"Inner", sizeof(Inner), alignof(Inner), 0, 3, kInnerFields};
const reml_cfield_t kOuterFields[] = {
    {"tag", "u8", REML_CF_U8, offsetof(Outer, tag), 0, UINT8_MAX, nullptr, nullptr},
    {"inner", "Inner", REML_CF_STRUCT, offsetof(Outer, inner), 0, 0, nullptr, &kInner},
    {"flag", "bool", REML_CF_BOOL, offsetof(Outer, flag), 0, 0, nullptr, nullptr},
};
const reml_cstruct_type_t kOuter = {"Outer", sizeof(Outer), alignof(Outer), 1, 3, kOuterFields};

// The same with a NonNullPtr field, for the null check.
const reml_cfield_t kStrictFields[] = {
    {"a", "i16", REML_CF_I16, offsetof(Inner, a), INT16_MIN, INT16_MAX, nullptr, nullptr},
    {"d", "f64", REML_CF_F64, offsetof(Inner, d), 0, 0, nullptr, nullptr},
    {"p", "NonNullPtr<void>", REML_CF_PTR, offsetof(Inner, p), 0, 0, &kNonNullVoid, nullptr},
};
const reml_cstruct_type_t kStrict = {"Inner", sizeof(Inner), alignof(Inner), 0, 3, kStrictFields};

int g_cell;

class RuntimeFfiStruct : public ::testing::Test {
 protected:
  void SetUp() override { reml_register_box_types(kBoxes, 2); }
};

// A new Inner box holding a, d and p (p: Void for null).
reml_handle_t MakeInner(int64_t a, reml_handle_t d, const void* p) {
  reml_instance_t* obj = reml_instance_new(0);
  obj->fields[0] = reml_box_i64(a);
  obj->fields[1] = d;
  obj->fields[2] = p ? reml_ptr_box_new(const_cast<void*>(p), &kPtrVoid) : REML_VOID;
  return reml_h_from_ptr(obj);
}

reml_handle_t MakeOuter(int64_t tag, reml_handle_t inner, int64_t flag) {
  reml_instance_t* obj = reml_instance_new(1);
  obj->fields[0] = reml_box_i64(tag);
  obj->fields[1] = inner;
  obj->fields[2] = reml_box_bool(flag);
  return reml_h_from_ptr(obj);
}

TEST_F(RuntimeFfiStruct, PackWritesTheCLayout) {
  reml_handle_t h = MakeOuter(200, MakeInner(-3, reml_box_f64(2.5), &g_cell), 1);
  Outer out;
  std::memset(&out, 0xAB, sizeof out);
  reml_ffi_struct_pack(h, &kOuter, &out, "f", "v", &kLoc);
  EXPECT_EQ(out.tag, 200);
  EXPECT_EQ(out.inner.a, -3);
  EXPECT_EQ(out.inner.d, 2.5);
  EXPECT_EQ(out.inner.p, &g_cell);
  EXPECT_TRUE(out.flag);
  // Padding is zeroed: the bytes between tag and inner.
  const unsigned char* bytes = reinterpret_cast<const unsigned char*>(&out);
  for (size_t i = 1; i < offsetof(Outer, inner); ++i) EXPECT_EQ(bytes[i], 0) << i;
  reml_h_release(h);
}

TEST_F(RuntimeFfiStruct, AnIntFieldValueConvertsToAFloatField) {
  reml_handle_t h = MakeInner(1, reml_box_i64(7), nullptr);
  Inner out;
  reml_ffi_struct_pack(h, &kInner, &out, "f", "v", &kLoc);
  EXPECT_EQ(out.d, 7.0);
  EXPECT_EQ(out.p, nullptr);
  reml_h_release(h);
}

TEST_F(RuntimeFfiStruct, UnpackBuildsANewBoxWithResultValues) {
  Outer in{};
  in.tag = 255;
  in.inner.a = INT16_MIN;
  in.inner.d = -0.25;
  in.inner.p = nullptr;
  in.flag = false;
  reml_handle_t h = reml_ffi_struct_unpack(&in, &kOuter, "f", &kLoc);
  ASSERT_TRUE(reml_h_is_object(h));
  EXPECT_EQ(reml_h_tag(h), static_cast<uint32_t>(REML_TAG_USER_BASE + 1));
  const reml_instance_t* obj = static_cast<const reml_instance_t*>(reml_h_ptr(h));
  EXPECT_EQ(reml_unbox_i64(obj->fields[0], &kLoc), 255);
  EXPECT_EQ(reml_unbox_bool(obj->fields[2], &kLoc), 0);
  const reml_instance_t* inner = static_cast<const reml_instance_t*>(reml_h_ptr(obj->fields[1]));
  EXPECT_EQ(reml_unbox_i64(inner->fields[0], &kLoc), INT16_MIN);
  EXPECT_EQ(reml_unbox_f64(inner->fields[1], &kLoc), -0.25);
  // A null pointer comes back as a pointer value equal to null.
  EXPECT_EQ(reml_ptr_unbox(inner->fields[2], &kPtrVoid, &kLoc), nullptr);
  // Packing what was unpacked gives the same bytes.
  Outer again;
  reml_ffi_struct_pack(h, &kOuter, &again, "f", "v", &kLoc);
  EXPECT_EQ(again.tag, in.tag);
  EXPECT_EQ(again.inner.a, in.inner.a);
  EXPECT_EQ(again.inner.d, in.inner.d);
  reml_h_release(h);
}

using RuntimeFfiStructDeathTest = RuntimeFfiStruct;

TEST_F(RuntimeFfiStructDeathTest, AFieldOutOfRangeNamesTheFieldPath) {
  reml_handle_t h = MakeOuter(1, MakeInner(40000, reml_box_f64(0), nullptr), 0);
  Outer out;
  EXPECT_EXIT(reml_ffi_struct_pack(h, &kOuter, &out, "draw", "seg", &kLoc), ::testing::ExitedWithCode(1),
              "^t\\.hako:4:2: runtime error: FFI argument 'seg\\.inner\\.a' of 'draw' must fit i16, got 40000\n$");
  reml_handle_t tag = MakeOuter(256, MakeInner(0, reml_box_f64(0), nullptr), 0);
  EXPECT_EXIT(reml_ffi_struct_pack(tag, &kOuter, &out, "draw", "seg", &kLoc), ::testing::ExitedWithCode(1),
              "FFI argument 'seg\\.tag' of 'draw' must fit u8, got 256");
  reml_h_release(h);
  reml_h_release(tag);
}

TEST_F(RuntimeFfiStructDeathTest, WrongValuesAreTypeErrors) {
  Inner out;
  EXPECT_EXIT(reml_ffi_struct_pack(reml_box_i64(3), &kInner, &out, "f", "v", &kLoc), ::testing::ExitedWithCode(1),
              "runtime error: Type error: expected Inner, got Int");
  reml_handle_t h = MakeInner(1, reml_box_bool(1), nullptr);
  EXPECT_EXIT(reml_ffi_struct_pack(h, &kInner, &out, "f", "v", &kLoc), ::testing::ExitedWithCode(1),
              "runtime error: Type error: expected Float, got Bool");
  reml_h_release(h);
  EXPECT_EXIT(reml_ffi_struct_pack(MakeInner(1, reml_box_f64(1), nullptr), &kStrict, &out, "f", "v", &kLoc),
              ::testing::ExitedWithCode(1), "runtime error: Type error: expected NonNullPtr<void>, got a null pointer");
}

}  // namespace
