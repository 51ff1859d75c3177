global using JiaoLianTi.TestKit;
