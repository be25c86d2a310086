// One function body: blocks in reverse postorder from bb0 (so every operand
// is lowered before its uses; dominance guarantees it), phis as LLVM phis
// completed once every block exists, terminators, and the dispatch of each
// other instruction to its group's handler.
#include <algorithm>

#include <llvm/IR/Constants.h>

#include "codegen/lower_ops.h"
#include "mir/cfg.h"

namespace hako::codegen {

namespace {

using mir::BlockId;
using mir::Inst;
using mir::Op;

// Where a function's debug entry starts: its first located instruction
// (in the file the function is written in).
mir::Loc first_loc(const mir::Function& f) {
  for (const mir::Block& blk : f.blocks)
    for (const Inst& in : blk.insts)
      if (in.loc.line != 0) return in.loc;
  return mir::Loc{};
}

void terminator(FunctionState& fs, const Inst& in) {
  llvm::IRBuilder<>& b = fs.b;
  switch (in.op) {
    case Op::Br: b.CreateBr(fs.blocks[in.targets[0]]); return;
    case Op::CondBr:
      // Both edges to one block are one CFG edge in MIR (one phi input).
      if (in.targets[0] == in.targets[1]) {
        b.CreateBr(fs.blocks[in.targets[0]]);
      } else {
        b.CreateCondBr(fs.val(in.args[0]), fs.blocks[in.targets[0]], fs.blocks[in.targets[1]]);
      }
      return;
    case Op::Ret:
      if (in.args.empty() || fs.f.ret.kind == mir::Kind::Void) {
        b.CreateRetVoid();
      } else {
        b.CreateRet(fs.val(in.args[0]));
      }
      return;
    default:
      emit_internal_error(fs.ms, b, "reached an `unreachable` instruction in " + fs.f.name);
      return;
  }
}

void instruction(FunctionState& fs, const Inst& in) {
  switch (in.op) {
    case Op::CallC:
    case Op::FnPtr:
      lower_ffi(fs, in);
      return;
    case Op::ConstI: case Op::ConstF: case Op::ConstB: case Op::ConstS: case Op::ConstVoid: case Op::Copy:
    case Op::AddI: case Op::SubI: case Op::MulI: case Op::DivI: case Op::ModI: case Op::NegI:
    case Op::AndI: case Op::OrI: case Op::XorI: case Op::ShlI: case Op::ShrI: case Op::NotI:
    case Op::EqI: case Op::NeI: case Op::LtI: case Op::LeI: case Op::GtI: case Op::GeI:
    case Op::AddF: case Op::SubF: case Op::MulF: case Op::DivF: case Op::ModF: case Op::NegF:
    case Op::EqF: case Op::NeF: case Op::LtF: case Op::LeF: case Op::GtF: case Op::GeF:
    case Op::EqIF: case Op::IToF:
    case Op::NotB: case Op::EqB: case Op::NeB:
    case Op::ConcatS: case Op::EqS: case Op::NeS: case Op::LtS: case Op::LeS: case Op::GtS: case Op::GeS:
    case Op::EqRef: case Op::NeRef:
      lower_arith(fs, in);
      return;

    case Op::ToStr: case Op::Box: case Op::Unbox: case Op::Truthy:
    case Op::AddH: case Op::SubH: case Op::MulH: case Op::DivH: case Op::ModH: case Op::NegH:
    case Op::AndH: case Op::OrH: case Op::XorH: case Op::ShlH: case Op::ShrH: case Op::NotH:
    case Op::EqH: case Op::NeH: case Op::LtH: case Op::LeH: case Op::GtH: case Op::GeH:
    case Op::NewBox: case Op::GetField: case Op::BorrowField: case Op::SetField: case Op::GetFieldH: case Op::SetFieldH:
    case Op::GetGlobal: case Op::SetGlobal: case Op::NewArray: case Op::NewMap: case Op::NewConsole:
    case Op::Retain: case Op::Release: case Op::NewBoxReuse:
    case Op::WeakNew: case Op::WeakLoad: case Op::WeakRetain: case Op::WeakDrop: case Op::CheckWeak:
      lower_object_op(fs, in);
      return;

    case Op::Keep:
      return;  // only a marker for src/rc

    case Op::Call: case Op::CallMethod: case Op::CallRt:
      lower_call(fs, in);
      return;

    case Op::Phi: case Op::Br: case Op::CondBr: case Op::Ret: case Op::Unreachable:
      return;  // handled by the block walk
  }
}

}  // namespace

void lower_function(ModuleState& ms, mir::FuncId id) {
  FunctionState fs(ms, id);
  const mir::Function& f = fs.f;
  // Unreachable blocks (code after `return`) are not lowered at all.
  const std::vector<BlockId> order = mir::reverse_postorder(f);
  // A block of its own before bb0: LLVM's entry block may have no
  // predecessors, and per-activation facts (the stack test) go here.
  fs.entry = llvm::BasicBlock::Create(ms.ctx, "entry", fs.fn);
  std::vector<BlockId> sorted = order;
  std::sort(sorted.begin(), sorted.end());  // LLVM blocks in MIR order (bb0 first) for readable IR
  for (BlockId bb : sorted) fs.blocks[bb] = llvm::BasicBlock::Create(ms.ctx, "bb" + std::to_string(bb), fs.fn);

  const mir::Loc start = first_loc(f);
  llvm::DISubprogram* sp = ms.di != nullptr ? ms.di->attach(fs.fn, f.name, start.file, start.line, false) : nullptr;

  auto arg = fs.fn->arg_begin();
  for (size_t k = 0; k < f.params.size(); ++k) {
    if (f.params[k].kind == mir::Kind::Void) {
      fs.vals[k] = ms.void_value();
    } else {
      arg->setName("p" + std::to_string(k));
      fs.vals[k] = &*arg++;
    }
  }

  struct PendingPhi {
    llvm::PHINode* phi;
    const Inst* in;
    BlockId block;
  };
  std::vector<PendingPhi> phis;
  for (BlockId bb : order) {
    fs.b.SetInsertPoint(fs.blocks[bb]);
    for (const Inst& in : f.blocks[bb].insts) {
      if (sp != nullptr) fs.b.SetCurrentDebugLocation(ms.di->location(sp, in.loc.file, in.loc.line, in.loc.col));
      if (in.op == Op::Phi) {
        if (in.result == mir::kNone) continue;
        if (in.tag.kind == mir::Kind::Void) {
          fs.vals[in.result] = ms.void_value();
          continue;
        }
        llvm::PHINode* phi = fs.b.CreatePHI(ms.type_of(in.tag), static_cast<unsigned>(in.args.size()));
        fs.vals[in.result] = phi;
        phis.push_back(PendingPhi{phi, &in, bb});
      } else if (mir::op_info(in.op).flags & mir::TERM) {
        terminator(fs, in);
        fs.exits[bb] = fs.b.GetInsertBlock();
        break;
      } else {
        instruction(fs, in);
      }
    }
  }

  llvm::IRBuilder<> at_entry(fs.entry);
  if (sp != nullptr) at_entry.SetCurrentDebugLocation(ms.di->location(sp, start.file, 0, 0));
  at_entry.CreateBr(fs.blocks[0]);

  // Every value exists now; inputs from unreachable predecessors are dropped
  // with those blocks.
  for (const PendingPhi& p : phis) {
    for (size_t k = 0; k < p.in->args.size(); ++k) {
      const BlockId pred = p.in->targets[k];
      if (fs.blocks[pred] == nullptr) continue;
      p.phi->addIncoming(fs.val(p.in->args[k]), fs.exits[pred]);
    }
    // MIR text may branch back to bb0: its phis have no value on function
    // entry (the VM's register holds whatever it held); zero keeps the
    // program's behaviour defined.
    if (p.block == 0) p.phi->addIncoming(llvm::Constant::getNullValue(p.phi->getType()), fs.entry);
  }
}

}  // namespace hako::codegen
