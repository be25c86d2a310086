namespace hako::vm {}
