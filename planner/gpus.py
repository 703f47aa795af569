"""GPU presets for the compute estimate: peak dense BF16 throughput from vendor
datasheets and dated on-demand prices, each with its source.

Kept apart from planner.budget so the plan's validated types can check a GPU id
without importing the arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.text import Label


@dataclass(frozen=True)
class GpuPreset:
    id: str
    label: str
    peak_tflops: float  # dense BF16, no sparsity
    peak_source: Label
    price_low: float  # USD per GPU-hour, on demand
    price_high: float
    price_source: Label
    price_date: str

    @property
    def peak_flops(self) -> float:
        return self.peak_tflops * 1e12


GPUS: dict[str, GpuPreset] = {
    preset.id: preset
    for preset in (
        GpuPreset(
            "a100",
            "NVIDIA A100 SXM",
            312,
            Label(
                en="NVIDIA A100 datasheet: BF16 312 TFLOPS dense (624 with sparsity)",
                zh="NVIDIA A100 数据手册：BF16 稠密 312 TFLOPS（稀疏 624）",
            ),
            1.29,
            4.10,
            Label(
                en="low: Lambda Cloud on demand, 1x A100 40 GB; high: AWS EC2 p4d.24xlarge on "
                "demand, us-east-1, $32.77 an hour for 8 GPUs",
                zh="低：Lambda Cloud 按需 1 块 A100 40 GB；高：AWS EC2 p4d.24xlarge 按需，"
                "us-east-1，8 块 GPU 每小时 32.77 美元",
            ),
            "2024",
        ),
        GpuPreset(
            "h100",
            "NVIDIA H100 SXM",
            989,
            Label(
                en="NVIDIA H100 datasheet: BF16 1,979 TFLOPS with sparsity, 989 dense",
                zh="NVIDIA H100 数据手册：BF16 稀疏 1,979 TFLOPS，稠密 989",
            ),
            2.99,
            12.29,
            Label(
                en="low: Lambda Cloud on demand, 8x H100 SXM; high: AWS EC2 p5.48xlarge on "
                "demand, us-east-1, $98.32 an hour for 8 GPUs (before AWS's 2025 price cut)",
                zh="低：Lambda Cloud 按需 8 块 H100 SXM；高：AWS EC2 p5.48xlarge 按需，"
                "us-east-1，8 块 GPU 每小时 98.32 美元（AWS 2025 年降价前）",
            ),
            "2024",
        ),
        GpuPreset(
            "h100_pcie",
            "NVIDIA H100 PCIe",
            756,
            Label(
                en="NVIDIA H100 datasheet: BF16 1,513 TFLOPS with sparsity, 756 dense",
                zh="NVIDIA H100 数据手册：BF16 稀疏 1,513 TFLOPS，稠密 756",
            ),
            2.49,
            4.50,
            Label(
                en="low: Lambda Cloud on demand, 1x H100 PCIe; high: an estimate, about 1.8x "
                "the low, not a list price",
                zh="低：Lambda Cloud 按需 1 块 H100 PCIe；高：估计值，约为低价的 1.8 倍，并非标价",
            ),
            "2024",
        ),
    )
}
