namespace hako::sema {}
