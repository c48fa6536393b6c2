/** torchvision's ResNet-18 written out (torchvision is not needed), with its parameter names, for the {{MODEL}} slot. */
export const RESNET_PY = String.raw`class BasicBlock(nn.Module):
    """conv3x3 (stride) → BN → ReLU → conv3x3 → BN, plus the input (through a 1x1 conv and BN when the shape changes)."""

    def __init__(self, inputs, channels, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(inputs, channels, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)
        self.downsample = None
        if stride != 1 or inputs != channels:
            self.downsample = nn.Sequential(nn.Conv2d(inputs, channels, 1, stride, bias=False), nn.BatchNorm2d(channels))

    def forward(self, x):
        out = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(out + (x if self.downsample is None else self.downsample(x)))


class ResNet18(nn.Module):
    """torchvision's resnet18 layout and names, on {{IN_CHANNELS}}-channel digits: 7x7 stem, max pool, four stages of
    two blocks (64-128-256-512 channels), average pool, fc."""

    def __init__(self, in_channels, classes):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        stages, inputs = [], 64
        for channels, stride in [(64, 1), (128, 2), (256, 2), (512, 2)]:
            stages.append(nn.Sequential(BasicBlock(inputs, channels, stride), BasicBlock(channels, channels, 1)))
            inputs = channels
        self.layer1, self.layer2, self.layer3, self.layer4 = stages
        self.fc = nn.Linear(512, classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):  # as torchvision: He-normal over fan-out
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def forward(self, x):
        x = self.maxpool(F.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def build_model():
    """Digit Lab's ResNet-18: the state dict's names are torchvision's (conv1.weight, layer1.0.bn1.running_mean)."""
    return ResNet18({{IN_CHANNELS}}, {{OUTPUTS}})`
